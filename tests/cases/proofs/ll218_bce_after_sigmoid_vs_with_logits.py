import numpy as np

from tests.cases.proofs._support import assert_finite, assert_no_gradient, load, torch_loss_and_grads

# The logits and targets printed in the report (rounded); index 18 is the most wrong sample (193.4 on a 0).
PRED = np.array([[16.094], [0.512], [-9.537], [24.377], [35.349], [25.894], [31.808], [0.186], [-2.838], [-9.034],
                 [15.208], [4.893], [-5.458], [18.19], [10.95], [17.572], [-22.359], [20.425], [193.4], [0.850]],
                dtype=np.float32)
TARG = np.zeros_like(PRED)
TARG[[1, 14]] = 1.0
# Wrong samples whose sigmoid rounds to exactly 1.0 in float32 (logit above ~17.3 on a 0 target).
SATURATED = np.flatnonzero(((1.0 / (1.0 + np.exp(-PRED.astype(np.float64)))).astype(np.float32) == 1.0) & (TARG == 0))
# The exact binary cross-entropy of the logits (softplus form, float64).
REFERENCE = float(np.mean(np.logaddexp(0.0, PRED.astype(np.float64)) - TARG * PRED))


def prove(path):
    assert 18 in SATURATED and len(SATURATED) >= 5
    loss, (grad, _) = torch_loss_and_grads(load(path).classification_loss, PRED, TARG, grad=(0,))
    assert_finite(loss)
    assert_no_gradient(grad[SATURATED], what="the gradient to the saturated, wrong logits")
    # Each saturated sample is counted as exactly 100, whatever its logit: the loss is far from the exact one.
    assert abs(float(loss) - REFERENCE) > 0.5 * REFERENCE, (float(loss), REFERENCE)
