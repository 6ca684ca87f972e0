# case: a TensorFlow distance loss that selects the sqrt only where d2 > 0 and also clamps its argument, so the unselected branch has a finite gradient at identical embeddings
# source: realistic
# expect: none
# near: LL102
import tensorflow as tf


def embedding_distance_loss(y_true, y_pred):
    d2 = tf.reduce_sum(tf.square(y_true - y_pred), axis=-1)
    return tf.where(d2 > 0, tf.sqrt(tf.maximum(d2, 1e-12)), tf.zeros_like(d2))
