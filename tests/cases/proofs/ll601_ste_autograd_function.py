import torch

from tests.cases.proofs._support import assert_healthy, run_script


def prove(path):
    scope = run_script(path)
    model = scope["model"]
    assert_healthy(scope["loss"].detach().numpy(), model.linear.weight.grad.numpy())
    assert not torch.equal(model.linear.weight.detach(), scope["initial"])
