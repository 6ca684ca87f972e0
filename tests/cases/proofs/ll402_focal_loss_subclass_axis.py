import numpy as np

from tests.cases.proofs._support import assert_healthy, load, tf_loss_and_grads
from tests.cases.proofs._support_cases3 import assert_weights_work, weighted

Y_TRUE = np.array([[1.0, 0.0], [1.0, 0.0]], dtype="float32")
LOGITS = np.array([[3.0, -3.0], [-2.0, 2.5]], dtype="float32")


def prove(path):
    loss = load(path).BinaryFocalLoss()
    assert_weights_work(weighted(loss, Y_TRUE, LOGITS))
    value, (_, grad) = tf_loss_and_grads(lambda t, p: loss.call(t, p), Y_TRUE, LOGITS, grad=(1,))
    assert_healthy(value, grad)
