import pytest

from tests.cases.proofs._support import run_script


def prove(path):
    # The copy is a leaf without history: the loss has no grad_fn and the first backward() raises.
    with pytest.raises(RuntimeError, match="does not require grad"):
        run_script(path)
