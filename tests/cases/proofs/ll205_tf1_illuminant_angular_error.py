import numpy as np

from tests.cases.proofs._support import assert_nonfinite
from tests.cases.proofs._support_cases1 import tf1_script


def prove(path):
    scope = tf1_script(path)
    assert np.isfinite(scope["history"][0]), scope["history"]
    assert_nonfinite(scope["final_w"], what="the weights after one step")
