import numpy as np

from tests.cases.proofs._support import assert_nonfinite, load, torch_loss_and_grads

# Three components near 0 with unit scale; the second target (60) is an outlier for all of them:
# every log-density is about -1800, every exp underflows to 0, and log(0) = -inf.
PI_LOGITS = np.zeros((2, 3), dtype=np.float32)
MU = np.array([[0.0, 1.0, -1.0], [0.0, 1.0, -1.0]], dtype=np.float32)
LOG_SIGMA = np.zeros((2, 3), dtype=np.float32)
Y = np.array([[0.2], [60.0]], dtype=np.float32)


def prove(path):
    loss_fn = load(path).MixtureDensityLoss()
    loss, (_, g_mu, g_log_sigma, _) = torch_loss_and_grads(loss_fn, PI_LOGITS, MU, LOG_SIGMA, Y, grad=(0, 1, 2))
    assert_nonfinite(loss, g_mu, g_log_sigma)
