import pytest

from tests.cases.proofs._support import run_script


def prove(path):
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        run_script(path)
