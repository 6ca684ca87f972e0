# case: the prediction binarized with tf.where(p >= 0.5, 1, 0) before a dice loss: both branches are constants, so the loss is flat in the prediction and Keras has no gradient to apply
# source: keras-team/keras#6838
# expect: LL101:10
# style: training-script
import tensorflow as tf
from tensorflow import keras


def hard_dice_loss(y_true, y_pred):
    hard = tf.where(tf.greater_equal(y_pred, 0.5), tf.ones_like(y_pred), tf.zeros_like(y_pred))
    inter = tf.reduce_sum(y_true * hard, axis=-1)
    union = tf.reduce_sum(y_true, axis=-1) + tf.reduce_sum(hard, axis=-1)
    return 1.0 - (2.0 * inter + 1.0) / (union + 1.0)


def build_segmenter(n_pixels=16):
    model = keras.Sequential([keras.Input((n_pixels,)), keras.layers.Dense(n_pixels, activation="sigmoid")])
    model.compile(optimizer="adam", loss=hard_dice_loss)
    return model
