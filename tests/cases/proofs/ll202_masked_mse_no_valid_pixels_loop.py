import math

from tests.cases.proofs._support import assert_nonfinite, run_script


def prove(path):
    scope = run_script(path)
    assert math.isfinite(scope["losses"][0]), scope["losses"]
    assert_nonfinite(scope["losses"][1], what="the loss of the batch without valid pixels")
    assert_nonfinite(*[p.detach().numpy() for p in scope["model"].parameters()], what="the weights")
