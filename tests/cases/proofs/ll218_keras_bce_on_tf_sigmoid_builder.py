import numpy as np

from tests.cases.proofs._support import assert_finite, assert_no_gradient, run_script, tf_loss_and_grads
from tests.cases.proofs._support_cases2 import quiet

# Two confidently wrong scores: +30 on a negative and -30 on a positive.
Y_TRUE = np.array([[0.0], [1.0]], dtype=np.float32)
Y_PRED = np.array([[30.0], [-30.0]], dtype=np.float32)


def prove(path):
    with quiet():
        scope = run_script(path)
    assert scope["model"].loss is scope["bce_on_scores"]
    loss, (_, grad) = tf_loss_and_grads(scope["bce_on_scores"], Y_TRUE, Y_PRED, grad=(1,))
    assert_finite(loss)
    # -log(1e-7) = 16.1 per sample where the with-logits loss is 30, and no gradient to fix it.
    assert float(loss) < 2 * 17.0
    assert_no_gradient(grad)
