# case: a masked MSE with the tutorial's (predicted_y, target_y) signature compiled into Keras: the mask is computed from the predictions
# source: tensorflow/tensorflow#38067
# expect: LL602:9
# style: training-script
import tensorflow as tf
from tensorflow.keras import layers


def masked_mse(predicted_y, target_y):
    mask = tf.cast(tf.not_equal(target_y, 0.0), tf.float32)
    squared = tf.square(predicted_y - target_y) * mask
    return tf.reduce_sum(squared, axis=-1) / tf.maximum(tf.reduce_sum(mask, axis=-1), 1.0)


def build_model(n_outputs=4):
    model = tf.keras.Sequential([layers.Dense(32, activation="relu"), layers.Dense(n_outputs)])
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-3), loss=masked_mse)
    return model
