import numpy as np
import torch

from tests.cases.proofs._support import load


def prove(path):
    case = load(path)
    layer = case.Sparsemax()
    calls = []
    original = layer.backward
    layer.backward = lambda grad_output: calls.append(grad_output) or original(grad_output)
    logits = torch.tensor([[1.0, 0.8, -2.0, 0.1]], requires_grad=True)
    out = layer(logits)
    assert np.isclose(out.sum().item(), 1.0)
    (out * torch.tensor([[3.0, -1.0, 2.0, 0.5]])).sum().backward()
    # A full backward pass ran and produced a gradient, yet the module's backward() was never asked.
    assert logits.grad is not None
    assert calls == [], "the module's backward() was called"
