import keras
import tensorflow as tf

from tests.cases.proofs._support import assert_finite, assert_nonfinite, run_script


def prove(path):
    try:
        scope = run_script(path)
        assert scope["y_pred"].dtype == tf.float16
    finally:
        keras.mixed_precision.set_global_policy("float32")
    loss_fn = scope["log_loss"]
    y_true = tf.constant([[1.0, 0.0, 0.0]])
    y_pred = tf.constant([[0.0, 0.3, 0.7]])
    assert_finite(loss_fn(y_true, y_pred).numpy(), what="the float32 loss")
    assert_nonfinite(loss_fn(tf.cast(y_true, tf.float16), tf.cast(y_pred, tf.float16)).numpy(), what="the float16 loss")
