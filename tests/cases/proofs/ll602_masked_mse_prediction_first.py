import numpy as np

from tests.cases.proofs._support import load, tf_loss_and_grads

TARGET = np.array([[1.0, 0.0, 0.0, 2.0], [0.0, 0.0, 3.0, 0.0]], dtype="float32")  # 0 = missing
PRED = np.array([[0.8, 5.0, -4.0, 2.5], [1.0, 2.0, 2.5, -3.0]], dtype="float32")


def prove(path):
    case = load(path)
    assert case.build_model().loss is case.masked_mse
    meant, _ = tf_loss_and_grads(case.masked_mse, PRED, TARGET)
    called, _ = tf_loss_and_grads(case.masked_mse, TARGET, PRED)  # Keras: loss(y_true, y_pred)
    # The missing targets are masked only in the intended order: Keras' order trains on them.
    assert np.isfinite(meant) and np.isfinite(called)
    assert called > 10 * meant
