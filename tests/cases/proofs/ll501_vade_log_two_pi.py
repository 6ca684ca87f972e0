from tests.cases.proofs._support import assert_healthy, load, torch_loss_and_grads
from tests.cases.proofs.ll501_ssvae_log_gaussian_numpy import Z, Z_LOGVAR, Z_MU


def prove(path):
    loss = load(path).GaussianLogLikelihoodLoss()
    value, (g_z, g_mu, g_logvar) = torch_loss_and_grads(loss, Z, Z_MU, Z_LOGVAR)
    assert_healthy(value, g_z, g_mu, g_logvar)
