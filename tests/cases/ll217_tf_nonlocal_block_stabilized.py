# case: the same non-local block with the row maximum subtracted before exp: finite for any affinity
# source: psychopa4/PFNL#9
# expect: none
# near: LL217
import tensorflow as tf


def non_local_attention(theta, phi, g):
    """Embedded-Gaussian non-local block: every position attends to every other one."""
    f = tf.matmul(theta, phi, transpose_b=True)
    f = tf.exp(f - tf.reduce_max(f, axis=-1, keepdims=True))
    f_softmax = f / tf.reduce_sum(f, axis=-1, keepdims=True)
    return tf.matmul(f_softmax, g)
