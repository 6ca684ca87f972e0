import numpy as np

from tests.cases.proofs._support import assert_healthy, load, torch_loss_and_grads
from tests.cases.proofs.ll218_bce_after_sigmoid_vs_with_logits import PRED, REFERENCE, SATURATED, TARG


def prove(path):
    loss, (grad, _) = torch_loss_and_grads(load(path).classification_loss, PRED, TARG, grad=(0,))
    assert_healthy(loss, grad[SATURATED])
    assert np.all(np.asarray(grad)[SATURATED] > 0)
    assert abs(float(loss) - REFERENCE) < 1e-3 * REFERENCE
