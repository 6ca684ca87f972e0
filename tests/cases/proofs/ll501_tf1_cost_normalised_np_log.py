from tests.cases.proofs._support import assert_healthy, run_tf1_script


def prove(path):
    scope = run_tf1_script(path)
    grad_w, grad_b = scope["g"]
    assert_healthy(scope["c"], grad_w, grad_b)
