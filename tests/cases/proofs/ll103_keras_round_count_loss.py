from tests.cases.proofs._support import assert_no_gradient, load, tf_loss_and_grads


def prove(path):
    loss_fn = load(path).rounded_count_loss
    loss, (_, grad) = tf_loss_and_grads(loss_fn, [[3.0], [1.0]], [[1.2], [2.6]], grad=(1,))
    assert float(loss) > 0, loss
    assert_no_gradient(grad)
