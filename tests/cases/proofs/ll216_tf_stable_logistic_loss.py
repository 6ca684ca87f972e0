import numpy as np

from tests.cases.proofs._support import assert_healthy, load, tf_loss_and_grads
from tests.cases.proofs.ll216_tf1_logistic_loss_pm1_script import LABELS, LOGITS


def prove(path):
    y_true = np.array([LABELS], dtype=np.float32)
    y_pred = np.array([LOGITS], dtype=np.float32)
    loss, (_, grad) = tf_loss_and_grads(load(path).logistic_loss, y_true, y_pred, grad=(1,))
    assert_healthy(loss, grad)
