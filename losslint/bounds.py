"""Bounded cost per file: size and nesting limits checked before parsing, a deep stack for deep
trees, and a time budget that the analysis checks as it goes.

libcst's parse grows with the cube of an expression's nesting (a 2,000-term sum takes seconds,
3,000 takes a minute) and its memory with the square of right-nested chains (``lambda: lambda:
...``), so the limits are checked on CPython's own tree before libcst sees the text. What passes
them is analysed in a thread with a large stack and a raised recursion limit, so the recursive
parts of the analysis reach the same depth as the parser.
"""

from __future__ import annotations

import ast
import sys
import threading
import time
from dataclasses import dataclass

# Larger files are not analysed at all: even CPython's parse of them costs ~70 bytes per byte.
MAX_FILE_BYTES = 4 * 2**20
# What libcst is given (after blanking what no rule can see): its tree costs ~600 bytes per byte.
MAX_PARSE_BYTES = 2 * 2**20
# Nesting of CPython's tree: CPython itself compiles up to about 3,000 (a sum of 2,987 terms, a
# chain of 1,492 method calls); what it compiles is analysed.
MAX_DEPTH = 3100
# Expressions nested beyond this are priced: libcst's parse of one costs about 0.4 * (depth / 1000)**3 s,
# and cannot be interrupted; a file whose deep expressions would take more than ~30 s is refused.
_PRICED_DEPTH = 100
MAX_NESTING_COST = 75 * 1000**3
# Wall-clock budget per file; a file over it is reported instead of holding up the run.
TIME_BUDGET_SECONDS = 60.0

_STACK_BYTES = 512 * 2**20
_RECURSION_LIMIT = 60 * MAX_DEPTH


class TooLarge(Exception):
    """The file is beyond a limit: reported as LL000 "too large to analyse: <reason>"."""

    def __init__(self, reason: str, row: int = 1, column: int = 1) -> None:
        super().__init__(reason)
        self.row, self.column = row, column


@dataclass(frozen=True)
class Nesting:
    depth: int  # deepest path in CPython's tree
    row: int  # the line of the statement holding it
    cost: int  # sum over statements of (expression depth) ** 3, counted beyond _PRICED_DEPTH
    priced_rows: tuple[int, ...] = ()


def nesting(tree: ast.AST) -> Nesting:
    """How deep ``tree`` nests, walked iteratively (it may be deeper than Python's recursion limit)."""
    deepest, deepest_row = 0, 1
    priced: dict[int, tuple[int, int]] = {}  # statement id -> (deepest expression below it, its line)
    AST, stmt = ast.AST, ast.stmt
    stack: list[tuple[ast.AST, int, ast.AST, int]] = [(tree, 1, tree, 1)]
    pop, push = stack.pop, stack.append
    while stack:
        node, depth, statement, statement_depth = pop()
        if isinstance(node, stmt):
            statement, statement_depth = node, depth
        if depth > deepest:
            deepest, deepest_row = depth, getattr(statement, "lineno", 1)
        relative = depth - statement_depth
        if relative > _PRICED_DEPTH:
            key = id(statement)
            if relative > priced.get(key, (0, 0))[0]:
                priced[key] = (relative, getattr(statement, "lineno", 1))
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, AST):
                push((value, depth + 1, statement, statement_depth))
            elif type(value) is list:
                for item in value:
                    if isinstance(item, AST):
                        push((item, depth + 1, statement, statement_depth))
    cost = sum(relative ** 3 for relative, _ in priced.values())
    return Nesting(deepest, deepest_row, cost, tuple(sorted(row for _, row in priced.values())))


def check_nesting(tree: ast.AST) -> None:
    found = nesting(tree)
    if found.depth > MAX_DEPTH:
        raise TooLarge(f"nested {found.depth} levels deep at line {found.row} (the limit is {MAX_DEPTH})", found.row)
    if found.cost > MAX_NESTING_COST:
        rows = ", ".join(map(str, found.priced_rows[:5])) + (", ..." if len(found.priced_rows) > 5 else "")
        raise TooLarge(f"{len(found.priced_rows)} deeply nested expressions (lines {rows}) would take too long "
                       "to parse", found.priced_rows[0])


def check_size(size: int, limit: int, what: str) -> None:
    if size > limit:
        raise TooLarge(f"{what} is {megabytes(size)} (the limit is {megabytes(limit)})")


def megabytes(size: int) -> str:
    return f"{size / 2**20:.1f} MB"


# -- the time budget ------------------------------------------------------------------------------
class OverBudget(Exception):
    """The analysis of one file ran past its time budget."""


_budget = threading.local()


def check_time() -> None:
    """Called by the analysis as it goes; raises OverBudget once the file's budget is spent."""
    deadline = getattr(_budget, "deadline", None)
    if deadline is not None and time.monotonic() > deadline:
        raise OverBudget()


# -- deep analysis --------------------------------------------------------------------------------
def run_deep(function, *args, seconds: float | None = None):
    """``function(*args)`` in a thread with a large stack and a raised recursion limit, within
    ``seconds`` (checked by ``check_time``); its exception, if any, is raised here."""
    outcome: dict[str, object] = {}
    seconds = TIME_BUDGET_SECONDS if seconds is None else seconds

    def target() -> None:
        _budget.deadline = time.monotonic() + seconds
        try:
            outcome["value"] = function(*args)
        except BaseException as error:  # handed to the caller's thread
            outcome["error"] = error
        finally:
            _budget.deadline = None

    with _deep_recursion():
        thread = threading.Thread(target=target, name="losslint-analysis", daemon=True)
        with _stack_lock:  # the stack size applies to the threads started while it is set
            previous = threading.stack_size()
            try:
                threading.stack_size(_STACK_BYTES)
            except (ValueError, RuntimeError):  # a platform without the choice: its default stack
                pass
            try:
                thread.start()
            finally:
                threading.stack_size(previous)
        thread.join()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome.get("value")


_stack_lock = threading.Lock()
_recursion_lock = threading.Lock()
_deep_runs = [0, 0]  # analyses running, the recursion limit before the first of them


# What ``python file.py`` compiles is decided under CPython's default recursion limit, counted
# from the bottom of the stack (CPython's compiler allows 3 levels of nesting per level of the
# recursion limit still free).
CPYTHON_RECURSION_LIMIT = 1000


def _stack_depth() -> int:
    depth, frame = 0, sys._getframe(1)
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    return depth


class cpython_recursion_limit:
    """CPython's own recursion limit while a file is compiled to judge it, so that the verdict does
    not depend on a limit raised elsewhere in the process (test runners raise it too) nor on how deep
    in the stack the judging runs. ``headroom`` adds levels (for building the tree of what compiled,
    which CPython bounds a little more tightly). Where an analysis thread is running with the raised
    limit, it is left as it is."""

    def __init__(self, headroom: int = 0) -> None:
        self.headroom = headroom

    def __enter__(self) -> None:
        _recursion_lock.acquire()
        self.previous = sys.getrecursionlimit()
        if _deep_runs[0] == 0:
            try:
                sys.setrecursionlimit(CPYTHON_RECURSION_LIMIT + _stack_depth() + self.headroom)
            except RecursionError:  # called from deeper than that: keep the limit
                pass

    def __exit__(self, *exc) -> None:
        try:
            sys.setrecursionlimit(self.previous)
        finally:
            _recursion_lock.release()


class _deep_recursion:
    """The recursion limit is process-wide: raised while any analysis runs, restored after the last."""

    def __enter__(self) -> None:
        with _recursion_lock:
            if _deep_runs[0] == 0:
                _deep_runs[1] = sys.getrecursionlimit()
                sys.setrecursionlimit(max(_deep_runs[1], _RECURSION_LIMIT))
            _deep_runs[0] += 1

    def __exit__(self, *exc) -> None:
        with _recursion_lock:
            _deep_runs[0] -= 1
            if _deep_runs[0] == 0:
                sys.setrecursionlimit(_deep_runs[1])
