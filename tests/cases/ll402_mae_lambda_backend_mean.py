# case: a regression head compiled with a lambda loss whose K.mean has no axis: class and sample weights act on the batch mean
# source: realistic
# expect: LL402:13
# style: training-script
from tensorflow import keras
from tensorflow.keras import backend as K


def build_regressor(n_outputs=2):
    model = keras.Sequential([keras.layers.Dense(16, activation="relu"), keras.layers.Dense(n_outputs)])
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=lambda y_true, y_pred: K.mean(K.abs(y_true - y_pred)),
        metrics=["mae"],
    )
    return model
