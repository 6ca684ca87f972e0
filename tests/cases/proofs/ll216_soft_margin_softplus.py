from tests.cases.proofs._support import assert_healthy, load, torch_loss_and_grads
from tests.cases.proofs.ll216_soft_margin_loss_by_hand import LOGITS, TARGET


def prove(path):
    loss, (grad, _) = torch_loss_and_grads(load(path).SoftMarginLoss(), LOGITS, TARGET, grad=(0,))
    assert_healthy(loss, grad)
    assert float(loss) > 120.0 / 3 - 1e-3  # about the margin itself, as softplus should give
