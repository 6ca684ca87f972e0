# case: the Transformer tutorial's masked cross-entropy: padding is zeroed, then reduce_mean divides by every position, padding included
# source: tensorflow/docs#1460
# expect: LL403:14
import tensorflow as tf

loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="none")


def loss_function(real, pred):
    mask = tf.math.logical_not(tf.math.equal(real, 0))
    loss_ = loss_object(real, pred)

    mask = tf.cast(mask, dtype=loss_.dtype)
    return tf.reduce_mean(loss_ * mask)
