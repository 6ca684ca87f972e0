import numpy as np
import tensorflow as tf

from tests.cases.proofs._support import assert_nonfinite, load, tf_loss_and_grads


def prove(path):
    loss_fn = load(path).dice_loss
    # A sigmoid output for very negative logits is exactly 0 in float32.
    background = tf.sigmoid(tf.constant([[-120.0, -110.0, -150.0, -130.0]])).numpy()
    assert not np.any(background)
    loss, (_, grad) = tf_loss_and_grads(loss_fn, [[0.0, 0.0, 0.0, 0.0]], background, grad=(1,))
    assert_nonfinite(loss, grad)
