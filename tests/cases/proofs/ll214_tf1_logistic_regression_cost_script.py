from tests.cases.proofs._support import assert_finite, assert_nonfinite, run_tf1_script
from tests.cases.proofs._support_cases2 import tf1_loss_and_grads

# One sample whose true class is 0 while class 1 leads by 120: softmax gives exactly 0 for class 0.
LOGITS = [[0.0, 120.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0, 0.0]]
LABELS = [[1.0, 0.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0, 0.0]]


def logits_of(scope):
    """The logits tensor (the softmax's input, or the named ``logits``) of the script's graph."""
    if "logits" in scope:
        return scope["logits"]
    return scope["pred"].op.inputs[0]


def prove(path):
    scope = run_tf1_script(path)
    assert_finite(scope["c"], what="the training cost")
    logits = logits_of(scope)
    loss, (grad,) = tf1_loss_and_grads(scope["cost"], [logits], {logits: LOGITS, scope["y"]: LABELS})
    assert_nonfinite(loss, grad)
