import numpy as np

from tests.cases.proofs._support import run_script, tf_loss_and_grads
from tests.cases.proofs._support_cases2 import quiet

# Tiny relative changes and the exact prediction for them: y_pred = log1p(y_true).
Y_TRUE = np.array([[3e-8], [-2e-8], [5e-8]], dtype=np.float32)
Y_PRED = np.log1p(Y_TRUE.astype(np.float64)).astype(np.float32)


def prove(path):
    with quiet():
        scope = run_script(path)
    assert scope["model"].loss is scope["relative_change_error"]
    loss, (_, grad) = tf_loss_and_grads(scope["relative_change_error"], Y_TRUE, Y_PRED, grad=(1,))
    # exp(y) - 1 cancels to 0: the exact answer is scored as a 100% error, with a huge gradient away from it.
    assert float(loss) > 0.99 * len(Y_TRUE), float(loss)
    assert np.abs(grad).max() > 1e6
