from tests.cases.proofs._support import assert_healthy, load, torch_loss_and_grads
from tests.cases.proofs.ll213_focal_sigmoid_heatmap import LOGITS, TARGET


def prove(path):
    loss_fn = load(path).FocalLoss()
    loss, (grad, _) = torch_loss_and_grads(loss_fn, [[-120.0, 40.0, 0.5]], TARGET, grad=(0,))
    assert_healthy(loss)
    loss, (grad, _) = torch_loss_and_grads(loss_fn, [[-2.0, 1.0, 0.5]], TARGET, grad=(0,))
    assert_healthy(loss, grad)
