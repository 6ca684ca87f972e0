from tests.cases.proofs._support import assert_finite, assert_healthy, run_tf1_script
from tests.cases.proofs._support_cases2 import tf1_loss_and_grads
from tests.cases.proofs.ll214_tf1_logistic_regression_cost_script import LABELS, LOGITS, logits_of


def prove(path):
    scope = run_tf1_script(path)
    assert_finite(scope["c"], what="the training cost")
    logits = logits_of(scope)
    loss, (grad,) = tf1_loss_and_grads(scope["cost"], [logits], {logits: LOGITS, scope["y"]: LABELS})
    assert_healthy(loss, grad)
