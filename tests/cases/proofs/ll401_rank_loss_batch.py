import tempfile
from pathlib import Path

import pytest

from tests.cases.proofs._support import run_script


def prove(path):
    # With one sample per batch the (1, 1) hinge passes for a scalar and training "works" ...
    text = path.read_text(encoding="utf-8")
    assert "BATCH_SIZE = 4" in text
    one = Path(tempfile.mkdtemp()) / f"{path.stem}_batch1.py"
    one.write_text(text.replace("BATCH_SIZE = 4", "BATCH_SIZE = 1"), encoding="utf-8")
    try:
        run_script(one)
    finally:
        one.unlink()
    # ... and at the real batch size the first backward() raises.
    with pytest.raises(RuntimeError, match="only for scalar outputs"):
        run_script(path)
