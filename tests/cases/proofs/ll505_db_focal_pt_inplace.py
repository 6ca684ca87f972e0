import numpy as np
import pytest

from tests.cases.proofs._support import load, torch_loss_and_grads

RNG = np.random.default_rng(0)
SCORES = RNG.normal(size=(4, 6)).astype("float32")
LABELS = (RNG.random((4, 6)) > 0.6).astype("float32")


def prove(path):
    loss = load(path).ResampleFocalLoss()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        torch_loss_and_grads(loss, SCORES, LABELS, grad=(0,))
