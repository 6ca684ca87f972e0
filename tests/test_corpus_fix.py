"""--fix --unsafe-fixes over a copy of real code: fixed files compile, a second run fixes nothing,
and every file not fixed is byte-for-byte unchanged."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.test_cli import run

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("LOSSLINT_CORPUS", ROOT.parent / "corpus"))


@pytest.mark.skipif(not (CORPUS / "keras").is_dir(), reason="the fetched corpus is not beside the checkout")
def test_fix_over_a_corpus_copy(tmp_path):
    copy = tmp_path / "corpus"
    for name in ("pytorch_metric_learning", "monai", "pytorch_toolbelt", "lightly", "tensorflow_addons"):
        shutil.copytree(CORPUS / name, copy / name)
    before = {p: p.read_bytes() for p in copy.rglob("*.py")}
    _, report, _ = run(str(copy), "--format", "json", "--unsafe-fixes", "--no-cache", cwd=tmp_path)
    fixable = {Path(item["filename"]) for item in json.loads(report) if item["fix"] is not None}
    code, out, _ = run(str(copy), "--fix", "--unsafe-fixes", "--no-cache", cwd=tmp_path)
    assert code in (0, 1) and "internal error" not in out
    changed = {p for p, data in before.items() if p.read_bytes() != data}
    assert changed and changed <= fixable, "only files with fixable findings change"
    for path in changed:
        compile(path.read_bytes(), str(path), "exec")
    again = {p: p.read_bytes() for p in copy.rglob("*.py")}
    run(str(copy), "--fix", "--unsafe-fixes", "--no-cache", cwd=tmp_path)
    assert {p: p.read_bytes() for p in copy.rglob("*.py")} == again, "a second --fix changes nothing"
