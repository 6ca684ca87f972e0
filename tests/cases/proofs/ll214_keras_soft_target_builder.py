import numpy as np

from tests.cases.proofs._support import assert_nonfinite, run_script, tf_loss_and_grads
from tests.cases.proofs._support_cases2 import quiet

# A confident, correct prediction: class 2 leads the others by 120; smoothing puts mass on them all.
Y_TRUE = np.eye(5, dtype=np.float32)[[2]]
Y_PRED = np.array([[0.0, 0.0, 120.0, 0.0, 0.0]], dtype=np.float32)


def prove(path):
    with quiet():
        scope = run_script(path)
    assert scope["model"].loss is scope["soft_target_cross_entropy"]
    loss, (_, grad) = tf_loss_and_grads(scope["soft_target_cross_entropy"], Y_TRUE, Y_PRED, grad=(1,))
    assert_nonfinite(loss, grad)
