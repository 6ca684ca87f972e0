import numpy as np

from tests.cases.proofs._support import assert_nonfinite, run_script, tf_loss_and_grads
from tests.cases.proofs._support_cases2 import quiet

Y_TRUE = np.eye(3, dtype=np.float32)[[0, 2]]
Y_PRED = np.array([[100.0, 0.0, 0.0], [0.1, 0.2, 0.3]], dtype=np.float32)


def prove(path):
    with quiet():
        scope = run_script(path)
    assert scope["model"].loss is scope["brier_loss"]
    loss, (_, grad) = tf_loss_and_grads(scope["brier_loss"], Y_TRUE, Y_PRED, grad=(1,))
    assert_nonfinite(loss, grad)
