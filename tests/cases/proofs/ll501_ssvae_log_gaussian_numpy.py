import numpy as np
import pytest

from tests.cases.proofs._support import load, torch_loss_and_grads

RNG = np.random.default_rng(0)
X = (RNG.random((2, 5)) > 0.5).astype("float32")
X_RECON = RNG.normal(size=(2, 5)).astype("float32")
Z = RNG.normal(size=(2, 3)).astype("float32")
Z_MU = RNG.normal(size=(2, 3)).astype("float32")
Z_LOGVAR = RNG.normal(size=(2, 3)).astype("float32")


def prove(path):
    loss = load(path).elbo_loss
    # The encoder's outputs require grad: np.log(z_var) needs z_var.numpy(), which refuses.
    with pytest.raises(RuntimeError, match="numpy"):
        torch_loss_and_grads(loss, X, X_RECON, Z, Z_MU, Z_LOGVAR, grad=(1, 2, 3, 4))
