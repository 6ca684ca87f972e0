import pytest

from tests.cases.proofs._support import run_script


def prove(path):
    # Every term went through .item(): the loss is a float and there is no graph to backpropagate.
    with pytest.raises(AttributeError, match="backward"):
        run_script(path)
