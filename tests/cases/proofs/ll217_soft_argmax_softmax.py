import torch.nn.functional as F

from tests.cases.proofs._support import assert_healthy, load, torch_loss_and_grads
from tests.cases.proofs.ll217_soft_argmax_keypoint_script import HEATMAP, TARGET


def prove(path):
    soft_argmax = load(path).SoftArgmax1d(32, beta=100.0)
    loss, (grad, _) = torch_loss_and_grads(lambda h, t: F.mse_loss(soft_argmax(h), t), HEATMAP, TARGET, grad=(0,))
    assert_healthy(loss, grad)
