import numpy as np

from tests.cases.proofs._support import assert_nonfinite, load, tf_loss_and_grads

# Three positions with 2-d embeddings; positions 0 and 1 are aligned strongly enough that their
# affinity theta . phi is 100, above the float32 limit of exp (88.7).
THETA = np.array([[10.0, 0.0], [0.0, 10.0], [0.1, 0.1]], dtype=np.float32)
PHI = np.array([[10.0, 0.0], [0.0, 1.0], [0.2, 0.0]], dtype=np.float32)
G = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]], dtype=np.float32)


def prove(path):
    out, (g_theta, g_phi, _) = tf_loss_and_grads(load(path).non_local_attention, THETA, PHI, G)
    assert_nonfinite(out, g_theta, g_phi)
