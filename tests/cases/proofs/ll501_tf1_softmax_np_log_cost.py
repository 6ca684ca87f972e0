import pytest

from tests.cases.proofs._support import run_tf1_script


def prove(path):
    # np.log asks the symbolic softmax for its values while the graph is being built.
    with pytest.raises(NotImplementedError, match="symbolic"):
        run_tf1_script(path)
