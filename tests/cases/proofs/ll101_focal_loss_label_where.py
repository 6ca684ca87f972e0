from tests.cases.proofs._support import assert_healthy, load, tf_loss_and_grads


def prove(path):
    loss_fn = load(path).binary_focal_loss()
    # Probabilities on both sides of 0.5, and saturated ones: finite, with a gradient everywhere
    # the clip is not active.
    loss, (_, grad) = tf_loss_and_grads(loss_fn, [[1.0, 0.0, 1.0, 0.0]], [[0.3, 0.6, 0.8, 0.2]], grad=(1,))
    assert_healthy(loss, grad)
    assert (grad != 0).all(), grad
    loss, _ = tf_loss_and_grads(loss_fn, [[1.0, 0.0]], [[0.0, 1.0]], grad=(1,))
    assert_healthy(loss)
