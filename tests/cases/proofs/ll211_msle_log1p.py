from tests.cases.proofs._support import assert_healthy, load, torch_loss_and_grads
from tests.cases.proofs.ll211_msle_log_plus_one import PRED, TARGET


def prove(path):
    loss_fn = load(path).MSLELoss()
    loss, (grad, _) = torch_loss_and_grads(loss_fn, PRED, TARGET, grad=(0,))
    assert float(loss) > 0.0
    assert_healthy(loss, grad)
