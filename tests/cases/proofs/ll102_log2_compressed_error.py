from tests.cases.proofs._support import assert_finite, assert_nonfinite, load, torch_loss_and_grads

# One prediction exactly on its target, two off by more and less than 1.
PRED = [2.0, 0.5, 5.0]
TARGET = [2.0, 1.0, 1.0]


def prove(path):
    loss_fn = load(path).log_compressed_l1_loss
    loss, (grad, _) = torch_loss_and_grads(loss_fn, PRED, TARGET, grad=(0,))
    assert_finite(loss, what="the forward value")
    assert_nonfinite(grad)
