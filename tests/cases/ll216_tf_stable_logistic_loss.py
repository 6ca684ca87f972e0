# case: the logistic loss in the stable form TensorFlow uses, relu(-z) + log(1 + exp(-|z|)): the exponent cannot be positive, finite for any margin
# source: tensorflow/tensorflow#172
# expect: none
# near: LL216, LL211
import tensorflow as tf


def logistic_loss(y_true, y_pred):
    # y_true holds -1 / +1 labels
    z = y_true * y_pred
    return tf.reduce_mean(tf.nn.relu(-z) + tf.math.log(1.0 + tf.exp(-tf.abs(z))), axis=-1)
