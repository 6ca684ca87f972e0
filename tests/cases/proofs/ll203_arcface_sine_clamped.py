import numpy as np

from tests.cases.proofs._support import assert_healthy, torch_loss_and_grads
from tests.cases.proofs.ll203_arcface_sine_sqrt import make


def prove(path):
    criterion = make(path)
    loss, (grad, _) = torch_loss_and_grads(criterion, [[2.0, 0.0]], np.array([0]), grad=(0,))
    assert_healthy(loss)
    assert np.isfinite(grad).all(), grad
    loss, (grad, _) = torch_loss_and_grads(criterion, [[2.0, 0.5]], np.array([0]), grad=(0,))
    assert_healthy(loss, grad)
