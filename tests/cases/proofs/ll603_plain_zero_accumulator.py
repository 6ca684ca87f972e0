from tests.cases.proofs._support import assert_healthy, run_script


def prove(path):
    scope = run_script(path)
    assert_healthy(scope["loss"].detach().numpy(), scope["backbone"][1].weight.grad.numpy())
