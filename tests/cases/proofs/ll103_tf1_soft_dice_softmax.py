import numpy as np

from tests.cases.proofs._support_cases1 import tf1_script


def prove(path):
    history = tf1_script(path)["history"]
    assert np.isfinite(history).all(), history
    assert history[-1] < history[0], history
