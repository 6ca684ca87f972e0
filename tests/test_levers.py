"""Speed levers never change what is found: the same findings with and without each of them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from losslint.engine import Settings, lint_source
from losslint.rules import all_rules
from losslint.rulespec import load_specs
from tests.test_cli import run

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("LOSSLINT_CORPUS", ROOT.parent / "corpus"))
ALL = frozenset(all_rules())


def findings(source: bytes, name: str, reduce: bool):
    result = lint_source(source, name, Settings(codes=ALL, reduce=reduce))
    return sorted((d.code, d.location.row, d.location.column, d.message) for d in result.diagnostics)


def sources():
    yield from ((p.read_bytes(), str(p)) for p in sorted((ROOT / "examples").glob("*.py")))
    for code, spec in load_specs().items():
        for i, example in enumerate(spec.examples):
            yield example.code.lstrip("\n").encode(), f"{code}-{i}.py"


def test_reduction_keeps_every_finding_on_examples_and_specs():
    for source, name in sources():
        assert findings(source, name, True) == findings(source, name, False), name


@pytest.mark.skipif(not (CORPUS / "keras").is_dir(), reason="the fetched corpus is not beside the checkout")
def test_reduction_keeps_every_finding_on_a_corpus_subset():
    files = sorted(CORPUS.rglob("*loss*.py"))[:150] + sorted(CORPUS.rglob("*_test.py"))[:30]
    assert files
    for path in files:
        source = path.read_bytes()
        assert findings(source, str(path), True) == findings(source, str(path), False), path


def test_cache_and_workers_keep_every_finding(tmp_path, monkeypatch):
    import losslint.runner as runner

    for source, name in sources():
        (tmp_path / name.replace("/", "_")).write_bytes(source)
    serial = run(".", "--no-cache", cwd=tmp_path)
    monkeypatch.setattr(runner, "PARALLEL_THRESHOLD", 2)  # force the process pool
    parallel = run(".", "--no-cache", cwd=tmp_path)
    cold = run(".", cwd=tmp_path)
    warm = run(".", cwd=tmp_path)
    assert serial == parallel == cold == warm
