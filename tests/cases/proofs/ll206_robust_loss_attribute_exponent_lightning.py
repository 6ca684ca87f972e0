from tests.cases.proofs._support import assert_nonfinite, run_script


def prove(path):
    scope = run_script(path)
    assert_nonfinite(scope["losses"][0], what="the first loss")
    assert_nonfinite(*[p.detach().numpy() for p in scope["lit"].parameters()], what="the weights")
