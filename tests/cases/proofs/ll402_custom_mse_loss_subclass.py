from tests.cases.proofs._support import load
from tests.cases.proofs._support_cases3 import assert_weights_ignored, compiled_loss, weighted


def prove(path):
    case = load(path)
    model = case.get_compiled_model(num_classes=2)
    loss = compiled_loss(model)
    assert isinstance(loss, case.CustomMSE)
    assert_weights_ignored(weighted(loss))
