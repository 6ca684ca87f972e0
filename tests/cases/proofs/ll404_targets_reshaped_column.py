import numpy as np

from tests.cases.proofs._support import assert_healthy, load, tf_loss_and_grads


def prove(path):
    case = load(path)
    assert case.y_train.shape == (128, 1)
    labels, preds = case.y_train[:8], case.model(case.x_train[:8]).numpy()
    value, (_, grad) = tf_loss_and_grads(case.mse_loss, labels, preds, grad=(1,))
    assert_healthy(value, grad)
    # Each label is paired with its own sample: shuffling the labels changes the loss.
    shuffled, _ = tf_loss_and_grads(case.mse_loss, labels[::-1].copy(), preds, grad=(1,))
    assert not np.isclose(value, shuffled)
