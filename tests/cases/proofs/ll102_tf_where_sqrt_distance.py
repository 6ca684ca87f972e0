from tests.cases.proofs._support import assert_finite, assert_gradient, load, tf_loss_and_grads


def prove(path):
    loss_fn = load(path).embedding_distance_loss
    # One identical pair (d2 == 0) and one distinct pair.
    loss, (_, grad) = tf_loss_and_grads(loss_fn, [[1.0, 2.0], [0.0, 0.0]], [[1.0, 2.0], [3.0, 4.0]], grad=(1,))
    assert_finite(loss, grad)
    assert_gradient(grad[1], what="the gradient of the distinct pair")
