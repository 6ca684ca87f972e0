import numpy as np

from tests.cases.proofs._support import load
from tests.cases.proofs._support_cases3 import assert_pairing_lost


def prove(path):
    case = load(path)
    model = case.build_model(13)
    features = np.random.default_rng(0).random((10, 13)).astype("float32")
    prices = np.linspace(5.0, 45.0, 10).astype("float32")  # the shape main() fits on: (N,)
    preds = model(features).numpy()
    assert preds.shape == (10, 1)
    assert_pairing_lost(case.price_mae, prices, preds)
