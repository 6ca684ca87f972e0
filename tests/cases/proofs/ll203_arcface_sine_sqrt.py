import numpy as np
import torch

from tests.cases.proofs._support import assert_nonfinite, load, torch_loss_and_grads


def make(path):
    criterion = load(path).ArcFaceLoss(2, 2)
    with torch.no_grad():
        criterion.weight.copy_(torch.eye(2))
    return criterion


def prove(path):
    criterion = make(path)
    # An embedding exactly along its class weight: cosine 1, 1 - cos^2 = 0.
    loss, (grad, _) = torch_loss_and_grads(criterion, [[2.0, 0.0]], np.array([0]), grad=(0,))
    assert_nonfinite(loss, grad)
