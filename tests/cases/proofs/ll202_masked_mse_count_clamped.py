import numpy as np

from tests.cases.proofs._support import assert_finite, assert_healthy, load, torch_loss_and_grads

PRED = np.array([[0.5, 1.5], [2.0, 0.1]])
TARGET = np.array([[1.0, 1.0], [1.0, 1.0]])


def prove(path):
    loss_fn = load(path).masked_mse_loss
    loss, (grad, _, _) = torch_loss_and_grads(loss_fn, PRED, TARGET, np.zeros((2, 2)), grad=(0,))
    assert_finite(loss, grad)
    loss, (grad, _, _) = torch_loss_and_grads(loss_fn, PRED, TARGET, np.array([[1.0, 0.0], [1.0, 1.0]]), grad=(0,))
    assert_healthy(loss, grad)
