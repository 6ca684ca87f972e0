import pytest

from tests.cases.proofs._support import load
from tests.cases.proofs._support_cases3 import keras_graph_call
from tests.cases.proofs.ll503_spread_penalty_numpy import Y_PRED, Y_TRUE


def prove(path):
    case = load(path)
    assert case.build_denoiser().loss is case.peak_normalised_mse
    with pytest.raises(TypeError, match="float"):
        keras_graph_call(case.peak_normalised_mse, Y_TRUE, Y_PRED)
