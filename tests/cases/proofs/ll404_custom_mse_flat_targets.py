import numpy as np

from tests.cases.proofs._support import load
from tests.cases.proofs._support_cases3 import assert_pairing_lost


def prove(path):
    case = load(path)
    assert case.y_train.ndim == 1 and case.model.layers[-1].units == 1
    labels = case.y_train[:8]
    preds = case.model(case.x_train[:8]).numpy()
    assert preds.shape == (8, 1)
    assert_pairing_lost(case.mse_loss, labels, preds)
