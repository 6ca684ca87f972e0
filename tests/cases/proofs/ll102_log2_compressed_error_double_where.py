from tests.cases.proofs._support import assert_healthy, load, torch_loss_and_grads
from tests.cases.proofs.ll102_log2_compressed_error import TARGET


def prove(path):
    loss_fn = load(path).log_compressed_l1_loss
    # The breaking inputs of the positive: finite everywhere (the exact hit has gradient 0).
    loss, (grad, _) = torch_loss_and_grads(loss_fn, [2.0, 0.5, 5.0], TARGET, grad=(0,))
    assert_healthy(loss)
    assert grad[1] != 0 and grad[2] != 0, grad
    loss, (grad, _) = torch_loss_and_grads(loss_fn, [2.5, 0.5, 5.0], TARGET, grad=(0,))
    assert_healthy(loss, grad)
