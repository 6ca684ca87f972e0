import numpy as np

from tests.cases.proofs._support import assert_healthy, run_script


def prove(path):
    scope = run_script(path)
    lit = scope["lit"]
    loss = lit.training_step(scope["batch"], 0)
    loss.backward()
    assert_healthy(loss.item(), *[p.grad.numpy() for p in lit.parameters()])
    assert np.isfinite(scope["losses"]).all() and scope["losses"][-1] < scope["losses"][0], scope["losses"]
    assert "train_acc" in lit.logged
