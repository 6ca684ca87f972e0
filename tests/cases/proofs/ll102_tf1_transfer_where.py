import numpy as np

from tests.cases.proofs._support import assert_nonfinite
from tests.cases.proofs._support_cases1 import tf1_script


def prove(path):
    scope = tf1_script(path)
    # The first cost (computed before the update) is finite: the where selected valid values.
    assert np.isfinite(scope["history"][0]), scope["history"]
    # The gradient was NaN: the weight is NaN after the first step.
    assert_nonfinite(scope["final_w"], what="the weight after training")
