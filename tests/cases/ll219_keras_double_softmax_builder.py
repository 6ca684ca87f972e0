# case: Keras builder whose loss softmaxes the logits with tf.nn.softmax and then calls categorical_crossentropy(from_logits=True): softmax twice, the loss floors at ~0.55 (3 classes)
# source: realistic
# expect: LL219:12
# style: training-script
import keras
import numpy as np
import tensorflow as tf


def categorical_loss(y_true, y_pred):
    probs = tf.nn.softmax(y_pred, axis=-1)
    return keras.losses.categorical_crossentropy(y_true, probs, from_logits=True)


def build_model():
    inputs = keras.Input(shape=(6,))
    logits = keras.layers.Dense(3)(inputs)
    model = keras.Model(inputs, logits)
    model.compile(optimizer="adam", loss=categorical_loss)
    return model


if __name__ == "__main__":
    model = build_model()
    x = np.random.randn(16, 6).astype("float32")
    y = np.eye(3, dtype="float32")[np.random.randint(0, 3, 16)]
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
