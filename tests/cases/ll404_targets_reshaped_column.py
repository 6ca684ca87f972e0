# case: the same custom MSE and Dense(1) model, with the targets reshaped to (N, 1) where they are made
# source: realistic
# expect: none
# near: LL404
# style: training-script
import numpy as np
import tensorflow as tf


def mse_loss(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_true - y_pred), axis=-1)


x_train = np.random.normal(size=(128, 6)).astype("float32")
y_train = np.random.normal(size=(128,)).astype("float32").reshape(-1, 1)

model = tf.keras.Sequential([tf.keras.layers.Dense(32, activation="relu"), tf.keras.layers.Dense(1)])
model.compile(optimizer="adam", loss=mse_loss)
if __name__ == "__main__":
    model.fit(x_train, y_train, batch_size=32, epochs=2, verbose=0)
