# case: the same Keras builder with ops.log1p: small counts keep their value and gradient
# source: realistic
# expect: none
# near: LL211
# style: training-script
import keras
import numpy as np
from keras import ops


def log_count_l1(y_true, y_pred):
    return ops.mean(ops.abs(ops.log1p(y_pred) - ops.log1p(y_true)), axis=-1)


def build_model():
    inputs = keras.Input(shape=(3,))
    outputs = keras.layers.Dense(1, activation="relu")(inputs)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss=log_count_l1)
    return model


if __name__ == "__main__":
    model = build_model()
    x = np.random.rand(16, 3).astype("float32")
    y = np.random.rand(16, 1).astype("float32")
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
