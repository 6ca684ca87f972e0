import pytest

from tests.cases.proofs._support import run_script


def prove(path):
    # The first step already stops: 28 per-token losses, no implicit gradient for a vector.
    with pytest.raises(RuntimeError, match="only for scalar outputs"):
        run_script(path)
