from tests.cases.proofs._support import assert_finite, assert_healthy, load, torch_loss_and_grads

PRED = [[0.5, 1.5, 2.0, 0.1]]
TARGET = [[1.0, 1.0, 1.0, 1.0]]


def prove(path):
    loss_fn = load(path).masked_depth_loss
    # A batch without valid pixels: finite (and a zero gradient, as intended).
    loss, (grad, _, _) = torch_loss_and_grads(loss_fn, PRED, TARGET, [[0.0, 0.0, 0.0, 0.0]], grad=(0,))
    assert_finite(loss, grad)
    loss, (grad, _, _) = torch_loss_and_grads(loss_fn, PRED, TARGET, [[1.0, 1.0, 0.0, 1.0]], grad=(0,))
    assert_healthy(loss, grad)
