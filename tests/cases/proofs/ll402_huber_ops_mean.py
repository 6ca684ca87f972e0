from tests.cases.proofs._support import load
from tests.cases.proofs._support_cases3 import assert_weights_ignored, weighted


def prove(path):
    case = load(path)
    assert case.model.loss is case.huber_loss
    assert_weights_ignored(weighted(case.huber_loss))
