import pytest

from tests.cases.proofs._support import run_script


def prove(path):
    with pytest.raises(AttributeError, match="backward"):
        run_script(path)
