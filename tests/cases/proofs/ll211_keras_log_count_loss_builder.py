import numpy as np

from tests.cases.proofs._support import assert_no_gradient, run_script, tf_loss_and_grads
from tests.cases.proofs._support_cases2 import quiet

Y_TRUE = np.array([[3e-8], [5e-8]], dtype=np.float32)
Y_PRED = np.array([[1e-8], [2e-8]], dtype=np.float32)


def prove(path):
    with quiet():
        scope = run_script(path)
    assert scope["model"].loss is scope["log_count_l1"]
    loss, (_, grad) = tf_loss_and_grads(scope["log_count_l1"], Y_TRUE, Y_PRED, grad=(1,))
    assert float(loss) == 0.0
    assert_no_gradient(grad)
