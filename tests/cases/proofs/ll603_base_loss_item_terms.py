import torch

from tests.cases.proofs._support import assert_no_gradient, run_script


def prove(path):
    scope = run_script(path)  # backward() succeeds every step ...
    model = scope["model"]
    assert scope["loss"].item() > 0
    # ... and the model never receives a gradient, nor moves.
    assert_no_gradient(model.weight.grad, what="the model's weight gradient")
    assert torch.equal(model.weight.detach(), scope["initial"])
