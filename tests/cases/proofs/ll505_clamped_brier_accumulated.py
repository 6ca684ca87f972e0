from tests.cases.proofs._support import assert_healthy, run_script


def prove(path):
    scope = run_script(path)
    grads = [head.weight.grad.numpy() for head in scope["heads"]]
    assert_healthy(scope["loss"].detach().numpy(), *grads)
