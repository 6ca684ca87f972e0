# case: Keras builder whose loss applies binary_crossentropy to tf.sigmoid(scores) without from_logits: Keras clips the probability, so saturated wrong scores get no gradient
# source: realistic
# expect: LL218:11
# style: training-script
import keras
import numpy as np
import tensorflow as tf


def bce_on_scores(y_true, y_pred):
    return keras.losses.binary_crossentropy(y_true, tf.sigmoid(y_pred))


def build_model():
    inputs = keras.Input(shape=(5,))
    scores = keras.layers.Dense(1)(inputs)
    model = keras.Model(inputs, scores)
    model.compile(optimizer="adam", loss=bce_on_scores)
    return model


if __name__ == "__main__":
    model = build_model()
    x = np.random.randn(16, 5).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
