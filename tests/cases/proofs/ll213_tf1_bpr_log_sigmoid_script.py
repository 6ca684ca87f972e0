from tests.cases.proofs._support import assert_finite, assert_nonfinite, run_tf1_script
from tests.cases.proofs._support_cases2 import tf1_loss_and_grads

# Scores of two (user, positive, negative) triples; in the first the negative item wins by 120.
POS = [-100.0, 1.0]
NEG = [20.0, 0.0]


def prove(path):
    scope = run_tf1_script(path)
    assert_finite(scope["batch_loss"], what="the training loss")
    pos, neg = scope["pos_scores"], scope["neg_scores"]
    loss, grads = tf1_loss_and_grads(scope["mf_loss"], [pos, neg], {pos: POS, neg: NEG})
    assert_nonfinite(loss, *grads)
