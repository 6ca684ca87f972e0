from tests.cases.proofs._support import load
from tests.cases.proofs._support_cases3 import assert_weights_ignored, compiled_loss, weighted


def prove(path):
    model = load(path).build_regressor()
    assert_weights_ignored(weighted(compiled_loss(model)))
