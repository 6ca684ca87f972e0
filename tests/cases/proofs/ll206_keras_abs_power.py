from tests.cases.proofs._support import assert_healthy, load, tf_loss_and_grads


def prove(path):
    loss_fn = load(path).power_loss
    loss, (_, grad) = tf_loss_and_grads(loss_fn, [[0.0, -0.2, 0.0, 0.8]], [[-1.4266, -0.2079, 0.0182, 1.1049]], grad=(1,))
    assert_healthy(loss, grad)
