# case: the same Keras builder with ops.expm1: the exact answer scores (almost) no error for tiny changes
# source: realistic
# expect: none
# near: LL212
# style: training-script
import keras
import numpy as np
from keras import ops


def relative_change_error(y_true, y_pred):
    change = ops.expm1(y_pred)
    return ops.mean(ops.abs(change - y_true) / ops.maximum(ops.abs(y_true), 1e-12), axis=-1)


def build_model():
    inputs = keras.Input(shape=(4,))
    outputs = keras.layers.Dense(1)(inputs)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss=relative_change_error)
    return model


if __name__ == "__main__":
    model = build_model()
    x = np.random.rand(16, 4).astype("float32")
    y = (np.random.rand(16, 1).astype("float32") - 0.5) * 1e-3
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
