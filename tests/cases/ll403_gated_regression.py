# case: a regression loss weighted by a learned sigmoid gate: a soft weight in [0, 1], not a mask, so the plain mean is meant
# source: realistic
# expect: none
# near: LL403
import tensorflow as tf


def gated_loss(y_true, y_pred, gate_logits):
    return tf.reduce_mean(tf.square(y_true - y_pred) * tf.sigmoid(gate_logits))
