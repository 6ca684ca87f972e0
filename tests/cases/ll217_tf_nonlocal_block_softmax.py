# case: non-local attention block normalising exp(f) by its row sum by hand (instead of tf.nn.softmax): an affinity above ~88 gives inf / inf = NaN for the whole row
# source: psychopa4/PFNL#9
# expect: LL217:12
import tensorflow as tf


def non_local_attention(theta, phi, g):
    """Embedded-Gaussian non-local block: every position attends to every other one."""
    f = tf.matmul(theta, phi, transpose_b=True)
    # f_softmax = tf.nn.softmax(f, -1)
    f = tf.exp(f)
    f_softmax = f / tf.reduce_sum(f, axis=-1, keepdims=True)
    return tf.matmul(f_softmax, g)
