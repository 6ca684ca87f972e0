import pytest

from tests.cases.proofs._support import run_script


def prove(path):
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        run_script(path)
