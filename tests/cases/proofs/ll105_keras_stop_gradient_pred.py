from tests.cases.proofs._support import assert_no_gradient, load, tf_loss_and_grads


def prove(path):
    loss_fn = load(path).stopped_mae_loss
    loss, (_, grad) = tf_loss_and_grads(loss_fn, [[1.0], [2.0]], [[0.5], [4.0]], grad=(1,))
    assert float(loss) > 0, loss
    assert_no_gradient(grad)
