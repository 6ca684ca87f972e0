import torch

from tests.cases.proofs._support import assert_no_gradient, run_script


def prove(path):
    scope = run_script(path)
    model = scope["model"]
    # round() has a zero gradient everywhere and the "straight-through" backward() is never used.
    assert_no_gradient(model.linear.weight.grad.numpy(), what="the regressor's weight gradient")
    assert torch.equal(model.linear.weight.detach(), scope["initial"])
