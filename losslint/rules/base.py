"""The base of every rule: a small unit that looks at nodes, asks the facts, and reports."""

from __future__ import annotations

import re
from typing import ClassVar

import libcst as cst

from losslint.core.facts import FileFacts
from losslint.diagnostics import Applicability, Fix, Report

LOSS = "loss"  # runs only inside loss scopes
ANYWHERE = "anywhere"  # runs wherever the file uses an ML framework
# Reported by the engine from the file's text (its syntax, its comments), not by a walk of the code:
# such a rule declares its code, name and fix, and has no handlers.
FILE = "file"


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    runs_in: ClassVar[str] = LOSS
    # A rule about the structure of a file (a class, a compile/fit pair, a backward call) runs in
    # every file that holds loss code, not only inside it.
    file_level: ClassVar[bool] = False
    # A rule about Python control flow looks at branch conditions that decide loss statements; other
    # rules only at values that flow into the loss.
    follows_control: ClassVar[bool] = False
    default_enabled: ClassVar[bool] = True
    fix_applicability: ClassVar[Applicability | None] = None
    # A file whose text does not match cannot have a finding of this rule: it is not parsed for it.
    # What a file must hold for the rule to look at it: a bytes regex, or anything with the same
    # ``search`` (see rules/_triggers.py).
    trigger: ClassVar = re.compile(rb"")
    # Code outside loss code that a file-level rule reads for its evidence (LL404: the model's layers
    # and its fit call): definitions matching it are kept by the reduction pass.
    evidence: ClassVar = None
    # Codes this rule's finding replaces inside the expression it reports (one finding, the specific one).
    supersedes: ClassVar[tuple[str, ...]] = ()
    # Codes this rule's finding replaces on the expressions that contain it (a swallowed eps inside a
    # log is LL207, not LL201 on the log).
    supersedes_enclosing: ClassVar[tuple[str, ...]] = ()

    def __init__(self, facts: FileFacts, reports: list[Report]) -> None:
        self.facts = facts
        self._reports = reports

    def report(self, node: cst.CSTNode, message: str, fix: Fix | None = None, anchor: str = "node",
               covers: tuple[cst.CSTNode, ...] = ()) -> None:
        self._reports.append(Report(self.code, message, node, fix, anchor, covers, self.facts.top_statement))

    @classmethod
    def handlers(cls) -> dict[type[cst.CSTNode], str]:
        """Node types this rule looks at, from its ``visit_<NodeType>`` methods."""
        found = {}
        for attr in dir(cls):
            if attr.startswith("visit_"):
                node_type = getattr(cst, attr[len("visit_"):], None)
                if isinstance(node_type, type):
                    found[node_type] = attr
        return found
