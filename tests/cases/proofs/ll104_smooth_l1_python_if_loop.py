import pytest

from tests.cases.proofs._support import run_script


def prove(path):
    with pytest.raises(RuntimeError, match="ambiguous"):
        run_script(path)
