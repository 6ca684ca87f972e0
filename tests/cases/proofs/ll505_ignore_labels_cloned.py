import numpy as np
import torch

from tests.cases.proofs._support import assert_healthy, load


def prove(path):
    loss_fn = load(path).HeatmapLoss()
    torch.manual_seed(0)
    logits = torch.randn(2, 2, 8, 8, requires_grad=True)
    target = torch.rand(2, 2, 8, 8)
    ignore = torch.zeros(2, 2, 8, 8, dtype=torch.bool)
    ignore[:, :, :2] = True
    loss = loss_fn(logits, target, ignore)
    loss.backward()
    assert_healthy(loss.detach().numpy(), logits.grad.numpy())
    assert np.all(logits.grad.numpy()[:, :, :2] == 0)
