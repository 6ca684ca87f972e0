"""The triage ledger matches a finding to its verdict by the statement's text, not by its line."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _ledger():
    loader = importlib.machinery.SourceFileLoader("ledger_tool", str(ROOT / "benchmarks" / "precision" / "ledger"))
    spec = importlib.util.spec_from_loader("ledger_tool", loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["ledger_tool"] = module  # dataclasses look their module up
    loader.exec_module(module)
    return module


SOURCE = '''import torch


def f(x):
    if x.sum() > 0:
        y = torch.log(
            x)
        return y
'''


def test_statement_text_survives_a_line_shift():
    ledger = _ledger()
    before = ledger.statement_text(SOURCE, 7, {}, "a")
    after = ledger.statement_text("# a new comment\n\n" + SOURCE, 9, {}, "b")
    assert before == after == "y = torch.log( x)"


def test_a_compound_statement_is_keyed_by_its_header():
    ledger = _ledger()
    assert ledger.statement_text(SOURCE, 5, {}, "c") == "if x.sum() > 0:"


def test_every_ledger_row_is_well_formed():
    ledger = _ledger()
    rows = ledger.read_ledger()  # exits with the line number of a bad row
    assert rows and all(row["verdict"] in ("real", "advice", "false") for row in rows.values())
