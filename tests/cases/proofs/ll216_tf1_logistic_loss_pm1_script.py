from tests.cases.proofs._support import assert_finite, assert_nonfinite, run_tf1_script
from tests.cases.proofs._support_cases2 import tf1_loss_and_grads

LOGITS = [-100.0, 0.3, -0.2]
LABELS = [1.0, 1.0, -1.0]


def prove(path):
    scope = run_tf1_script(path)
    assert_finite(scope["c"], what="the training cost")
    logits = scope["logits"]
    loss, (grad,) = tf1_loss_and_grads(scope["cost"], [logits], {logits: LOGITS, scope["y"]: LABELS})
    assert_nonfinite(loss, grad)
