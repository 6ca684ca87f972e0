from tests.cases.proofs._support import assert_finite, assert_healthy, run_tf1_script
from tests.cases.proofs._support_cases2 import tf1_loss_and_grads
from tests.cases.proofs.ll213_tf1_bpr_log_sigmoid_script import NEG, POS


def prove(path):
    scope = run_tf1_script(path)
    pos, neg = scope["pos_scores"], scope["neg_scores"]
    loss, grads = tf1_loss_and_grads(scope["mf_loss"], [pos, neg], {pos: POS, neg: NEG})
    assert_finite(loss, *grads)
    loss, grads = tf1_loss_and_grads(scope["mf_loss"], [pos, neg], {pos: [-3.0, 1.0], neg: [2.0, 0.0]})
    assert_healthy(loss, *grads)
