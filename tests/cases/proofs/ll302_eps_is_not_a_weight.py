import numpy as np

from tests.cases.proofs._support import assert_healthy, load, tf_loss_and_grads


def prove(path):
    y_true = np.eye(3, dtype=np.float32)[[0, 2]]
    y_pred = np.array([[0.7, 0.2, 0.1], [0.05, 0.15, 0.8]], dtype=np.float32)
    loss, (_, grad) = tf_loss_and_grads(load(path).penalized_log_loss, y_true, y_pred, grad=(1,))
    assert_healthy(loss, grad)
