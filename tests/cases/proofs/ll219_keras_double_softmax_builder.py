import math

import numpy as np

from tests.cases.proofs._support import assert_finite, run_script, tf_loss_and_grads
from tests.cases.proofs._support_cases2 import quiet

Y_TRUE = np.eye(3, dtype=np.float32)[[0, 1]]
Y_PRED = np.array([[50.0, 0.0, 0.0], [0.0, 50.0, 0.0]], dtype=np.float32)
FLOOR = math.log(1 + 2 / math.e)  # 0.5514 per sample


def run(path):
    with quiet():
        scope = run_script(path)
    assert scope["model"].loss is scope["categorical_loss"]
    return scope, tf_loss_and_grads(scope["categorical_loss"], Y_TRUE, Y_PRED, grad=(1,))


def prove(path):
    _, (loss, (_, grad)) = run(path)
    assert_finite(loss)
    assert float(loss) > 2 * FLOOR - 1e-4, float(loss)
    assert np.abs(grad).max() < 1e-6
