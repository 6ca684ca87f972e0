# case: Keras builder with float16 (mixed-precision) layers and a loss accumulated with weights 1e8 and 1e7: the gradient flowing back into the float16 layers overflows to inf
# source: realistic
# expect: LL302:11, LL302:12
# style: training-script
import keras
import numpy as np
from keras import ops


def scaled_loss(y_true, y_pred):
    loss = 1e8 * ops.mean(ops.abs(y_true - y_pred), axis=-1)
    loss += 1e7 * ops.mean(ops.square(y_pred), axis=-1)
    return loss


def build_model():
    inputs = keras.Input(shape=(4,))
    hidden = keras.layers.Dense(8, activation="relu", dtype="mixed_float16")(inputs)
    outputs = keras.layers.Dense(1, dtype="mixed_float16")(hidden)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss=scaled_loss)
    return model


if __name__ == "__main__":
    model = build_model()
    x = np.random.randn(16, 4).astype("float32")
    y = np.random.randn(16, 1).astype("float32") * 1e-4
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
