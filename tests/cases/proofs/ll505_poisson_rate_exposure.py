import numpy as np
import pytest

from tests.cases.proofs._support import load, torch_loss_and_grads

LOG_RATE = np.array([0.1, -0.5, 1.2, 0.0], dtype="float32")
COUNTS = np.array([1.0, 0.0, 4.0, 2.0], dtype="float32")
EXPOSURE = np.array([1.0, 2.0, 0.5, 1.5], dtype="float32")


def prove(path):
    loss = load(path).poisson_loss
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        torch_loss_and_grads(loss, LOG_RATE, COUNTS, EXPOSURE, grad=(0,))
