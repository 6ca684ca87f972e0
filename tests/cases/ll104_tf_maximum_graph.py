# case: the worst-of-two-errors loss with tf.maximum instead of builtin max(): a tensor op, fine in graph mode
# source: realistic
# expect: none
# near: LL104
import tensorflow as tf


def worst_case_loss(y_true, y_pred):
    mae = tf.reduce_mean(tf.abs(y_true - y_pred), axis=-1)
    return tf.maximum(mae, tf.reduce_mean(tf.square(y_true - y_pred), axis=-1))
