import pytest

from tests.cases.proofs._support import run_tf1_script


def prove(path):
    with pytest.raises(TypeError):
        run_tf1_script(path)
