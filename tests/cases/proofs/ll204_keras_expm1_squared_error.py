from tests.cases.proofs._support import assert_finite, assert_nonfinite, load, tf_loss_and_grads


def prove(path):
    case = load(path)
    case.build_model()
    loss_fn = case.exp_squared_loss
    loss, _ = tf_loss_and_grads(loss_fn, [[1.0], [2.0]], [[0.5], [1.0]], grad=(1,))
    assert_finite(loss)
    loss, (_, grad) = tf_loss_and_grads(loss_fn, [[12.0], [2.0]], [[0.5], [1.0]], grad=(1,))
    assert_nonfinite(loss, grad)
