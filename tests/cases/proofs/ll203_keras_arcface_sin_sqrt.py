from tests.cases.proofs._support import assert_nonfinite, load, tf_loss_and_grads


def prove(path):
    loss_fn = load(path).arcface_loss
    # A cosine of exactly 1 on the true identity, a close impostor: the softmax is not saturated.
    loss, (_, grad) = tf_loss_and_grads(loss_fn, [[1.0, 0.0, 0.0]], [[1.0, 0.95, 0.3]], grad=(1,))
    assert_nonfinite(grad)
