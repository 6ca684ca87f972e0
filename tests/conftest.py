from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from losslint.engine import Settings, fix_source, lint_source
from losslint.rules import all_rules

ALL_CODES = frozenset(all_rules())
ROOT = Path(__file__).resolve().parent.parent
# The fetched corpora (../shared/tools/fetch-corpus, fetch-wide-corpus), beside the checkout unless
# the environment says where, as for the benchmarks.
CORPORA = {"narrow": Path(os.environ.get("LOSSLINT_CORPUS", ROOT.parent / "corpus")),
           "wide": Path(os.environ.get("LOSSLINT_WIDE_CORPUS", ROOT.parent / "corpus-wide"))}
CORPUS = CORPORA["narrow"]


def corpus_or_skip(name: str) -> Path:
    """The folder of corpus ``name``; the test is skipped when it has not been fetched."""
    folder = CORPORA[name]
    if not folder.is_dir():
        pytest.skip(f"no {name} corpus at {folder} (../shared/tools/fetch-corpus, fetch-wide-corpus)")
    return folder
# Subprocesses (``python -m losslint``, the language server, flake8) import this checkout, not
# whatever losslint the environment has installed.
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).resolve().parent.parent),
                                                         os.environ.get("PYTHONPATH")]))


def lint(code: str, codes=ALL_CODES, filename: str = "example.py"):
    source = textwrap.dedent(code).lstrip("\n").encode()
    return lint_source(source, filename, Settings(codes=frozenset(codes)), with_edits=True).diagnostics


def fix(code: str, codes=ALL_CODES, unsafe: bool = False) -> str:
    source = textwrap.dedent(code).lstrip("\n").encode()
    result = fix_source(source, "example.py", Settings(codes=frozenset(codes)), unsafe=unsafe)
    return (result.fixed if result.fixed is not None else source).decode()


@pytest.fixture
def run_lint():
    return lint


def pytest_terminal_summary(terminalreporter):
    """The case suite's score, printed with every run that scored it."""
    import sys

    module = next((m for name, m in list(sys.modules.items()) if name.rsplit(".", 1)[-1] == "test_cases"
                   and getattr(m, "SCORE", None)), None)
    score = module.SCORE if module else None
    if not score:
        return
    write = terminalreporter.write_line
    write(f"case suite: positives exact {score['exact']}/{score['positives']}, "
          f"negatives clean {score['clean']}/{score['negatives']}")
    for miss in score["misses"]:
        write(f"  missed   {miss}")
    for extra in score["extras"]:
        write(f"  unwanted {extra}")
