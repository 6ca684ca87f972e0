import pytest

from tests.cases.proofs._support_cases1 import tf1_script


def prove(path):
    with pytest.raises(ValueError, match="No gradients provided"):
        tf1_script(path)
