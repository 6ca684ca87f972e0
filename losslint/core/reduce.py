"""Keep what can matter, blank the rest: a cheap stdlib-``ast`` pass before the libcst parse.

libcst trees cost about 800 bytes of memory per byte of source and most of the parse time. Large
files (test suites, backends) are mostly functions no rule can flag. Definitions whose text cannot
hold a finding, and that nothing kept refers to, are replaced by blank lines (a ``pass`` where a
body would become empty), so every remaining line and column is where it was.
"""

from __future__ import annotations

import ast
import re
from typing import Callable

WORD = re.compile(r"[A-Za-z_]\w*")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
# Methods that run without being named: construction, calls of the object, test fixtures.
UNNAMED_METHODS = frozenset({"__init__", "__post_init__", "__call__", "forward", "call", "build", "setUp", "setup",
                             "__new__", "__getattr__"})


def reduce_source(text: str, keep: Callable[[str], bool], tree: ast.Module | None = None) -> str | None:
    """``text`` with the definitions whose text ``keep`` rejects (and that nothing kept refers to)
    blanked out; None when nothing can be dropped or the text does not parse. ``tree``: the
    text's tree, when the caller has it."""
    if tree is None:
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None  # the libcst parse reports it
    # Lines as the tree counts them: str.splitlines also splits at form feeds, \x1c-\x1e, \u2028...
    lines = _LINE.findall(text)
    blocks = _blocks(tree.body, lines)
    if not blocks:
        return None
    # A class is judged by its header (a Loss name or base keeps it, and so every method); a function
    # by its text.
    kept = {id(b) for b, parent in blocks
            if keep(_header(b, lines) if isinstance(b, ast.ClassDef) else _text(b, lines))
            or (parent is not None and keep(_header(parent, lines)))}
    covered = set()
    for block, _ in blocks:
        covered |= set(range(_start(block), block.end_lineno + 1))
    outside = "".join(line for i, line in enumerate(lines, 1) if i not in covered)
    outside_words = set(WORD.findall(outside))
    # What each block names, its own name aside (``def f`` or ``class C`` does not refer to another f or C).
    words_of = {id(block): set(WORD.findall(_header(block, lines) if isinstance(block, ast.ClassDef)
                                            else _text(block, lines))) - {block.name} for block, _ in blocks}
    # A class kept for its own sake (its header, or kept code naming it) keeps every method: code that
    # uses the class runs them unnamed (a module's forward through __call__, __init__ through the
    # class's name). A class kept only for a method keeps its header, the methods that set its
    # attributes or are run unnamed, and the methods that name a kept one (callers tell what a
    # helper's parameters hold).
    whole = {id(b) for b, parent in blocks if isinstance(b, ast.ClassDef) and id(b) in kept}
    changed = True
    while changed:  # helpers, callers, base classes and compiled functions that kept code names
        changed = False
        words = outside_words.union(*(words_of[id(block)] for block, _ in blocks if id(block) in kept))
        kept_names = {block.name for block, _ in blocks if id(block) in kept}
        for block, parent in blocks:
            if id(block) not in kept and (
                    block.name in words or (parent is not None and id(parent) in whole)
                    or (parent is not None and id(parent) in kept
                        and (block.name in UNNAMED_METHODS or words_of[id(block)] & kept_names))):
                kept.add(id(block))
                changed = True
            if isinstance(block, ast.ClassDef) and id(block) not in whole and block.name in words:
                whole.add(id(block))
                kept.add(id(block))
                changed = True
            if parent is not None and id(block) in kept and id(parent) not in kept:
                kept.add(id(parent))  # a kept method keeps its class (header, bases)
                changed = True
    dropped = [(b, parent) for b, parent in blocks if id(b) not in kept]
    if not dropped:
        return None
    out = list(lines)
    for block, parent in dropped:
        for number in range(_start(block), block.end_lineno + 1):
            line = out[number - 1]
            out[number - 1] = line[len(line.rstrip("\r\n")):]  # keep the line ending only
    for parent in {id(p): p for _, p in dropped if p is not None}.values():
        if id(parent) in kept and all(isinstance(child, DEFS) and id(child) not in kept for child in parent.body):
            first = parent.body[0]
            number = _start(first)
            indent = " " * first.col_offset
            out[number - 1] = f"{indent}pass{out[number - 1]}"  # a class keeps a body
    return "".join(out)


def _blocks(body, lines, parent=None):
    """Top-level definitions and the methods of top-level classes, with their class."""
    found = []
    for node in body:
        if isinstance(node, DEFS):
            found.append((node, parent))
            if isinstance(node, ast.ClassDef) and parent is None:
                found += _blocks(node.body, lines, node)
    return found


def _start(node) -> int:
    return min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])


def _header(node, lines) -> str:
    """A class's decorators and ``class Name(bases):`` line(s), without its body."""
    return "".join(lines[_start(node) - 1:node.body[0].lineno - 1]) if node.body else _text(node, lines)


def _text(node, lines) -> str:
    return "".join(lines[_start(node) - 1:node.end_lineno])
