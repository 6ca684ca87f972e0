from tests.cases.proofs._support import assert_healthy, load, tf_loss_and_grads
from tests.cases.proofs.ll217_tf_nonlocal_block_softmax import G, PHI, THETA


def prove(path):
    out, (_, _, g_g) = tf_loss_and_grads(load(path).non_local_attention, THETA, PHI, G)
    assert_healthy(out, g_g)
    out, (g_theta, g_phi, _) = tf_loss_and_grads(load(path).non_local_attention, THETA / 10, PHI, G)
    assert_healthy(out, g_theta, g_phi)
