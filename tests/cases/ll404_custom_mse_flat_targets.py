# case: a custom MSE compiled into a Dense(1) regressor fitted on targets of shape (N,): y_true - y_pred broadcasts to (N, N)
# source: tensorflow/tensorflow#37770
# expect: LL404:11
# style: training-script
import numpy as np
import tensorflow as tf


def mse_loss(y_true, y_pred):
    y_true = tf.cast(y_true, y_pred.dtype)
    return tf.reduce_mean(tf.square(y_true - y_pred), axis=-1)


x_train = np.random.normal(size=(128, 6)).astype("float32")
y_train = np.random.normal(loc=50.0, scale=80.0, size=(128,)).astype("float32")

model = tf.keras.Sequential([tf.keras.layers.Dense(32, activation="relu"), tf.keras.layers.Dense(1)])
model.compile(optimizer="adam", loss=mse_loss)
if __name__ == "__main__":
    model.fit(x_train, y_train, batch_size=32, epochs=2, verbose=0)
