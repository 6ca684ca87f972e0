# case: the same kind of custom MSE reduced over the last axis only: Keras gets one value per sample and weights them
# source: realistic
# expect: none
# near: LL402
# style: training-script
import tensorflow as tf


def weighted_mse(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_true - y_pred), axis=-1)


def build_model(n_outputs=2):
    model = tf.keras.Sequential([tf.keras.layers.Dense(16, activation="relu"), tf.keras.layers.Dense(n_outputs)])
    model.compile(optimizer="adam", loss=weighted_mse)
    return model
