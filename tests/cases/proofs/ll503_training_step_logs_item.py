from tests.cases.proofs._support import assert_healthy, run_script


def prove(path):
    scope = run_script(path)
    first_layer = scope["module"].net[0]
    assert_healthy(scope["loss"].detach().numpy(), first_layer.weight.grad.numpy())
    assert all(isinstance(v, float) for v in scope["history"])
