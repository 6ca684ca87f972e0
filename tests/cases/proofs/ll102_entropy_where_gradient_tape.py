import numpy as np

from tests.cases.proofs._support import assert_finite, assert_nonfinite, tf_loss_and_grads
from tests.cases.proofs._support_cases1 import run_script


def prove(path):
    scope = run_script(path)
    loss_fn = scope["entropy_penalty_loss"]
    # relu outputs with exact zeros: the forward value is finite, the gradient is NaN.
    loss, (_, grad) = tf_loss_and_grads(loss_fn, [[1.0, 0.0, 0.0]], [[0.0, 2.0, 1.0]], grad=(1,))
    assert_finite(loss, what="the forward value")
    assert_nonfinite(grad)
    # The script's own loop: the weights are NaN after its two steps.
    assert any(not np.isfinite(v.numpy()).all() for v in scope["model"].trainable_variables)
