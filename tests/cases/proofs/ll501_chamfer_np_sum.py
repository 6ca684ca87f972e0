import numpy as np
import pytest

from tests.cases.proofs._support import load, torch_loss_and_grads

RNG = np.random.default_rng(0)
PRED = RNG.normal(size=(2, 5, 3)).astype("float32")
GT = RNG.normal(size=(2, 4, 3)).astype("float32")


def prove(path):
    loss = load(path).ChamferLoss()
    # np.min forwards numpy's keywords to Tensor.min, which has no `axis`.
    with pytest.raises(TypeError, match="axis"):
        torch_loss_and_grads(loss, PRED, GT, grad=(0,))
