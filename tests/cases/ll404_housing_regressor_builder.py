# case: a housing-price regressor built in a function, fitted in main() on 1-D price targets with a custom MAE: every price minus every prediction
# source: keras-team/keras#14627
# expect: LL404:9
# style: training-script
from tensorflow import keras


def price_mae(y_true, y_pred):
    return keras.ops.mean(keras.ops.abs(y_true - y_pred), axis=-1)


def build_model(n_features):
    model = keras.Sequential([
        keras.Input((n_features,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(1),
    ])
    model.compile(optimizer="rmsprop", loss=price_mae, metrics=["mae"])
    return model


def main():
    import numpy as np

    features = np.random.rand(404, 13).astype("float32")
    prices = (np.random.rand(404) * 40 + 5).astype("float32")
    model = build_model(features.shape[1])
    model.fit(features, prices, epochs=40, batch_size=10, verbose=0)
    return model


if __name__ == "__main__":
    main()
