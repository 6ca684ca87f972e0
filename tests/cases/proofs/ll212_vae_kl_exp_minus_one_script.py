import numpy as np

from tests.cases.proofs._support import assert_finite, run_script, torch_loss_and_grads

# A posterior that has (almost) collapsed onto the prior: mu = 0, logvar = 1e-8.
MU = np.zeros((2, 2), dtype=np.float32)
LOGVAR = np.full((2, 2), 1e-8, dtype=np.float32)


def prove(path):
    scope = run_script(path)
    assert_finite(scope["loss"].detach().numpy(), what="the training loss")
    kl, _ = torch_loss_and_grads(scope["kl_divergence"], MU, LOGVAR)
    # exp(1e-8) is exactly 1.0 in float32, so the term is 0 - 1e-8: a KL divergence below zero.
    assert float(kl) < 0.0, f"KL = {float(kl)} should have come out negative"
