from tests.cases.proofs._support import assert_finite, assert_healthy, load, tf_loss_and_grads


def prove(path):
    loss_fn = load(path).clipped_log_loss
    # A probability of exactly 0 on the true class: finite.
    loss, (_, grad) = tf_loss_and_grads(loss_fn, [[1.0, 0.0, 0.0]], [[0.0, 0.4, 0.6]], grad=(1,))
    assert_finite(loss, grad)
    loss, (_, grad) = tf_loss_and_grads(loss_fn, [[1.0, 0.0, 0.0]], [[0.2, 0.3, 0.5]], grad=(1,))
    assert_healthy(loss, grad)
