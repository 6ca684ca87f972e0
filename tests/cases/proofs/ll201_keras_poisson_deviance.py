from tests.cases.proofs._support import assert_nonfinite, load, tf_loss_and_grads


def prove(path):
    loss_fn = load(path).poisson_deviance_loss
    # Counts of rare events: most are 0.
    loss, (_, grad) = tf_loss_and_grads(loss_fn, [[0.0], [2.0], [0.0]], [[0.3], [1.5], [0.1]], grad=(1,))
    assert_nonfinite(loss, grad)
