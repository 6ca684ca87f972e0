import numpy as np
import pytest

from tests.cases.proofs._support import load
from tests.cases.proofs._support_cases3 import keras_graph_call

Y_TRUE = np.array([[0.1, 0.2, 0.3]], dtype="float32")
Y_PRED = np.array([[0.3, 0.1, 0.0]], dtype="float32")


def prove(path):
    case = load(path)
    assert case.model.loss is case.scaled_l1
    with pytest.raises(TypeError, match="non-tensor"):
        keras_graph_call(case.scaled_l1, Y_TRUE, Y_PRED)
