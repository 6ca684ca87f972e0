"""Faulty Keras / TensorFlow losses."""

import numpy as np
import tensorflow as tf
from tensorflow import keras


def log_loss(y_true, y_pred):
    # LL201: y_pred can be exactly 0.
    return -tf.reduce_mean(y_true * tf.math.log(y_pred), axis=-1)


def msle(y_true, y_pred):
    # LL211 twice: use tf.math.log1p.
    return tf.reduce_mean(tf.square(tf.math.log(1.0 + y_pred) - tf.math.log(1.0 + y_true)), axis=-1)


def squared_error(y_true, y_pred):
    # LL501: numpy on a symbolic tensor fails inside model.fit.
    return tf.reduce_mean(np.square(y_pred - y_true), axis=-1)


model = keras.Sequential([keras.layers.Dense(1)])
model.compile(optimizer="adam", loss=squared_error)
msle_model = keras.Sequential([keras.layers.Dense(1)])
msle_model.compile(optimizer="adam", loss=msle)
