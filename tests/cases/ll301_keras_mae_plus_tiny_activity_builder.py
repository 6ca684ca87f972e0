# case: Keras builder compiling MAE plus 1e-5 times an output-magnitude penalty: the penalty weighs 1e5 less than the MAE and has no effect on training
# source: realistic
# expect: LL301:11
# style: training-script
import keras
import numpy as np
from keras import ops


def mae_with_penalty(y_true, y_pred):
    return ops.mean(ops.abs(y_true - y_pred), axis=-1) + 1e-5 * ops.mean(ops.square(y_pred), axis=-1)


def build_model():
    inputs = keras.Input(shape=(4,))
    outputs = keras.layers.Dense(2)(inputs)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss=mae_with_penalty)
    return model


if __name__ == "__main__":
    model = build_model()
    x = np.random.randn(16, 4).astype("float32")
    y = np.random.randn(16, 2).astype("float32")
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
