# case: a custom Keras loss adds a spread penalty computed from y_pred.numpy(): no gradient eagerly, an AttributeError under fit
# source: tensorflow/tensorflow#56389
# expect: LL503:10
import numpy as np
import tensorflow as tf


def spread_penalised_mse(y_true, y_pred, weight=0.1):
    mse = tf.reduce_mean(tf.square(y_true - y_pred), axis=-1)
    spread = np.std(y_pred.numpy())
    return mse + weight * spread


model = tf.keras.Sequential([tf.keras.layers.Dense(4)])
model.compile(optimizer="adam", loss=spread_penalised_mse)
