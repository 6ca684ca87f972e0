from tests.cases.proofs._support import assert_nonfinite
from tests.cases.proofs._support_cases1 import tf1_script


def prove(path):
    history = tf1_script(path)["history"]
    assert_nonfinite(history[0], what="the first cost")
