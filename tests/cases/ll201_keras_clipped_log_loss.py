# case: a Keras categorical log loss that clips the probabilities to [eps, 1] in a variable before the log: guarded a statement earlier
# source: realistic
# expect: none
# near: LL201
import tensorflow as tf


def clipped_log_loss(y_true, y_pred):
    eps = 1e-7
    p = tf.clip_by_value(y_pred, eps, 1.0)
    return -tf.reduce_sum(y_true * tf.math.log(p), axis=-1)
