# case: a cross-entropy on probabilities with log(p + 1e-12) plus 1e-3 times a squared-output penalty: the 1e-12 is an eps inside the log, not the weight of a term
# source: realistic
# expect: none
# near: LL302, LL301
import tensorflow as tf


def penalized_log_loss(y_true, y_pred):
    return -tf.reduce_mean(y_true * tf.math.log(y_pred + 1e-12)) + 1e-3 * tf.reduce_sum(tf.square(y_pred))
