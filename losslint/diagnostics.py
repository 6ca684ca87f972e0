"""What rules report: diagnostics, fixes and their applicability."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the nodes a report points at; imported where reports are made
    import libcst as cst


class Applicability(str, Enum):
    SAFE = "safe"  # keeps the values: applied by --fix
    UNSAFE = "unsafe"  # changes the values: applied only with --unsafe-fixes


@dataclass(frozen=True)
class NeededImport:
    """``import module`` (obj None) or ``from module import obj``, added only when missing."""

    module: str
    obj: str | None = None
    asname: str | None = None


@dataclass
class Fix:
    title: str
    applicability: Applicability
    # Each original node is replaced by its new node.
    replacements: list[tuple[cst.CSTNode, cst.CSTNode]]
    imports: list[NeededImport] = field(default_factory=list)


@dataclass
class Report:
    """A rule's finding, still attached to the syntax tree."""

    code: str
    message: str
    node: cst.CSTNode
    fix: Fix | None = None
    anchor: str = "node"  # "node", or "def" to point at the ``def`` keyword of a FunctionDef
    # Other expressions this finding explains (superseded findings there are dropped too).
    covers: tuple[cst.CSTNode, ...] = ()
    # The module-level statement holding ``node``: positions are computed for it alone.
    statement: cst.CSTNode | None = None


@dataclass(frozen=True)
class Location:
    row: int
    column: int  # 1-based


@dataclass(frozen=True)
class Edit:
    content: str
    location: Location
    end_location: Location
    cell: int | None = None  # in a notebook, the cell the rows count in


@dataclass(frozen=True)
class FixSummary:
    applicability: Applicability
    message: str
    edits: tuple[Edit, ...] = ()


@dataclass(frozen=True)
class Diagnostic:
    """A finding with a place in a file: plain data, safe to send between processes."""

    code: str
    message: str
    filename: str
    location: Location
    end_location: Location
    fix: FixSummary | None = None
    cell: int | None = None
    # The row whose ``# noqa`` suppresses this finding (``location.row``, or the row that ends a
    # backslash continuation or a string spanning lines); counted like ``location``.
    noqa_row: int | None = None

    def sort_key(self):
        return (self.filename, self.cell or 0, self.location.row, self.location.column, self.code)
