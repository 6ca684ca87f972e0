import numpy as np

from tests.cases.proofs._support import assert_healthy, run_script


def prove(path):
    scope = run_script(path)
    model, loss = scope["model"], scope["loss"]
    assert loss.dim() == 0
    assert_healthy(loss.detach().numpy(), model.weight.grad.numpy(), model.bias.grad.numpy())
    assert np.isfinite(model.weight.detach().numpy()).all()
