import numpy as np

from tests.cases.proofs._support import assert_healthy, load, tf_loss_and_grads


def prove(path):
    import keras

    keras.utils.set_random_seed(0)  # the case draws its data and weights at import: the same every run
    case = load(path)
    labels, preds = case.y[:8] * 3, case.model(case.x[:8]).numpy()
    assert labels.shape == (8,) and preds.shape == (8, 1)
    value, (_, grad) = tf_loss_and_grads(case.huber, labels, preds, grad=(1,))
    assert_healthy(value, grad)
    assert case.huber(labels, preds).shape == (8,)
    shuffled, _ = tf_loss_and_grads(case.huber, labels[::-1].copy(), preds, grad=(1,))
    assert not np.isclose(value, shuffled)
