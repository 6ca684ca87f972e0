"""--fix --unsafe-fixes over a copy of real code: fixed files compile, a second run fixes nothing,
and every file not fixed is byte-for-byte unchanged."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPORA, CORPUS, corpus_or_skip
from tests.test_cli import run


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


# -- both corpora, whole (pytest -m slow) -------------------------------------------------------------
PROBE = Path(__file__).resolve().parent / "corpus_probe.py"


def _module_name(path: Path) -> tuple[Path, str]:
    """(the folder to import from, the dotted module name) of a file in a package tree."""
    parts = [path.stem]
    folder = path.parent
    while (folder / "__init__.py").exists():
        parts.insert(0, folder.name)
        folder = folder.parent
    return folder, ".".join(parts)


def _changed_functions(before: bytes, after: bytes) -> list[str]:
    def functions(source: bytes) -> dict[str, str]:
        found = {}
        for node in ast.parse(source).body:
            members = [(f"{node.name}.", item) for item in node.body] if isinstance(node, ast.ClassDef) else [("", node)]
            found.update({prefix + item.name: ast.dump(item) for prefix, item in members
                          if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))})
        return found
    old, new = functions(before), functions(after)
    return sorted(name for name in new if name in old and old[name] != new[name])


def _probe(copy: Path, path: Path, names: list[str]) -> dict[str, str]:
    root, module = _module_name(path)
    done = subprocess.run([sys.executable, str(PROBE), str(root), module, *names], capture_output=True, text=True,
                          cwd=copy, timeout=600)
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if not rows or "import" in rows[0]:
        return {}
    return {row["function"]: row["outcome"] for row in rows}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CORPORA))
def test_fix_over_a_whole_corpus(tmp_path, name):
    corpus = corpus_or_skip(name)
    before, after = tmp_path / "before", tmp_path / "after"
    shutil.copytree(corpus, before, symlinks=True)
    shutil.copytree(corpus, after, symlinks=True)
    code, out, err = run(str(after), "--fix", "--unsafe-fixes", "--no-cache", "-q", cwd=tmp_path)
    assert code in (0, 1, 2) and "internal error" not in out and "Traceback" not in out + err
    originals = {p.relative_to(after): (before / p.relative_to(after)).read_bytes() for p in after.rglob("*.py")}
    changed = [path for path, data in originals.items() if (after / path).read_bytes() != data]
    assert changed
    for path in changed:
        compile((after / path).read_bytes(), str(path), "exec")
    fixed_once = {path: (after / path).read_bytes() for path in originals}
    run(str(after), "--fix", "--unsafe-fixes", "--no-cache", "-q", cwd=tmp_path)
    assert [p for p in originals if (after / p).read_bytes() != fixed_once[p]] == [], "a second --fix changed files"
    # The changed functions import and run with small tensors wherever they did before the fix.
    ran = 0
    for path in changed:
        names = _changed_functions(originals[path], fixed_once[path])
        if not names:
            continue
        old = _probe(before, before / path, names)
        new = _probe(after, after / path, names) if old else {}
        for function, outcome in old.items():
            if outcome == "ran":
                ran += 1
                assert new.get(function) == "ran", f"{path}:{function} ran before the fix: {new.get(function)}"
    print(f"{name}: {len(changed)} files changed; {ran} changed functions ran before and after the fix")
