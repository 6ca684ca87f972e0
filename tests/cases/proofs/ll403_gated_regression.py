import numpy as np

from tests.cases.proofs._support import assert_healthy, load, tf_loss_and_grads


def prove(path):
    loss_fn = load(path).gated_loss
    y_true = np.array([[1.0, 0.0, 2.0]], dtype="float32")
    y_pred = np.array([[0.5, 0.2, 1.0]], dtype="float32")
    gate = np.array([[0.3, -1.0, 2.0]], dtype="float32")
    value, (_, g_pred, g_gate) = tf_loss_and_grads(loss_fn, y_true, y_pred, gate, grad=(1, 2))
    assert_healthy(value, g_pred, g_gate)
