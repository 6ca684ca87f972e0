import numpy as np

from tests.cases.proofs._support import assert_finite, assert_healthy, load, torch_loss_and_grads
from tests.cases.proofs.ll212_vae_kl_exp_minus_one_script import LOGVAR, MU


def prove(path):
    kl_divergence = load(path).kl_divergence
    kl, _ = torch_loss_and_grads(kl_divergence, MU, LOGVAR)
    assert_finite(kl)
    assert float(kl) >= 0.0
    kl, grads = torch_loss_and_grads(kl_divergence, np.full((2, 2), 0.3), np.full((2, 2), -0.5))
    assert float(kl) > 0.0
    assert_healthy(kl, *grads)
