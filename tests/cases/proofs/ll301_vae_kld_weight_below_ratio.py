import numpy as np

from tests.cases.proofs._support import assert_healthy, load, torch_loss_and_grads


def prove(path):
    loss_function = load(path).loss_function
    rng = np.random.RandomState(0)
    recons, inputs = rng.rand(4, 6), rng.rand(4, 6)
    mu, log_var = rng.randn(4, 2), rng.randn(4, 2) * 0.5
    loss, (g_recons, _, g_mu, g_log_var) = torch_loss_and_grads(
        lambda r, x, m, v: loss_function(r, x, m, v)["loss"], recons, inputs, mu, log_var, grad=(0, 2, 3))
    assert_healthy(loss, g_recons, g_mu, g_log_var)
