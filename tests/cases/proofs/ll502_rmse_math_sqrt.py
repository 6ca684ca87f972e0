import numpy as np
import torch

from tests.cases.proofs._support import assert_no_gradient, load, torch_loss_and_grads

PRED = np.array([[0.5, 1.5], [2.0, -1.0]], dtype="float32")
TARGET = np.array([[0.0, 1.0], [2.5, 0.0]], dtype="float32")


def prove(path):
    criterion = load(path).RMSELoss()
    pred = torch.tensor(PRED, requires_grad=True)
    assert isinstance(criterion(pred, torch.tensor(TARGET)), float)
    value, (grad, _) = torch_loss_and_grads(criterion, PRED, TARGET, grad=(0,))
    assert np.isfinite(value)
    assert_no_gradient(grad)
