from tests.cases.proofs._support import assert_healthy, run_script


def prove(path):
    scope = run_script(path)
    assert scope["loss"].shape == (8, 1)
    assert_healthy(scope["loss"].detach().numpy(), scope["model"].weight.grad.numpy())
