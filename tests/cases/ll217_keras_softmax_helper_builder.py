# case: Keras builder whose Brier loss calls a helper returning exp(x) / sum(exp(x)): a logit above ~88 makes the probabilities and the loss NaN
# source: realistic
# expect: LL217:12
# style: training-script
import keras
import numpy as np
from keras import ops


def softmax(x):
    e = ops.exp(x)
    return e / ops.sum(e, axis=-1, keepdims=True)


def brier_loss(y_true, y_pred):
    probs = softmax(y_pred)
    return ops.sum(ops.square(probs - y_true), axis=-1)


def build_model():
    inputs = keras.Input(shape=(4,))
    logits = keras.layers.Dense(3)(inputs)
    model = keras.Model(inputs, logits)
    model.compile(optimizer="adam", loss=brier_loss)
    return model


if __name__ == "__main__":
    model = build_model()
    x = np.random.rand(16, 4).astype("float32")
    y = np.eye(3, dtype="float32")[np.random.randint(0, 3, 16)]
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
