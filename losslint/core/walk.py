"""A lean traversal of libcst trees.

libcst's own visitor protocol rebuilds child sequences and visits every whitespace and
punctuation node; the analysis needs neither, and that machinery costs ten times the parse. This
walk follows only the fields that hold code and calls ``visit_<Type>``/``leave_<Type>`` methods
named as libcst names them (a ``visit_`` that returns False skips the children).
"""

from __future__ import annotations

import dataclasses
from typing import Iterator

import libcst as cst

# Fields that hold layout, never code.
_LAYOUT = {"lpar", "rpar", "leading_lines", "lines_after_decorators", "header", "footer", "comma",
           "semicolon", "colon", "equal", "star", "whitespace", "newline", "default_indent",
           "default_newline", "encoding", "has_trailing_newline", "indent", "trailing_whitespace",
           "operator", "asynchronous", "lbracket", "rbracket", "lbrace", "rbrace", "dot", "arrow",
           "walrus", "value_str", "prefix", "quote", "whitespace_before_colon", "star_tok"}
_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(cls: type) -> tuple[str, ...]:
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = _FIELDS[cls] = tuple(
            f.name for f in dataclasses.fields(cls)
            if f.name not in _LAYOUT and not f.name.startswith("whitespace"))
    return fields


_IS_NODE: dict[type, bool] = {}


def _is_node(cls: type) -> bool:
    # CSTNode is an ABC: isinstance on it is slow, so the answer is cached per concrete type.
    known = _IS_NODE.get(cls)
    if known is None:
        known = _IS_NODE[cls] = issubclass(cls, cst.CSTNode)
    return known


# The children of a node, kept for the walks that come back to the same code (summaries, slices,
# call sites). Nodes are immutable and keys hold them alive, so an entry never goes stale; the
# cache is dropped whole when it grows past a bound, and after each file (``forget``): a tree held
# past its file costs memory and makes every garbage collection walk it again. Keyed by id: a
# node's own hash is Python code.
_CHILDREN: dict[int, tuple[cst.CSTNode, list[cst.CSTNode]]] = {}  # id -> (the node, held alive; its children)
_CHILDREN_BOUND = 400_000


def children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The code children of ``node`` (the caller must not change the list)."""
    known = _CHILDREN.get(id(node))
    if known is not None:
        return known[1]
    out = []
    for name in _fields(type(node)):
        value = getattr(node, name)
        cls = type(value)
        if cls is tuple or cls is list:
            out.extend(item for item in value if _is_node(type(item)))
        elif _is_node(cls):
            out.append(value)
    if len(_CHILDREN) >= _CHILDREN_BOUND:
        _CHILDREN.clear()
    _CHILDREN[id(node)] = (node, out)
    return out


def forget() -> None:
    """Drop the children kept for the file just analysed."""
    _CHILDREN.clear()


class _Handlers:
    """``visit_X``/``leave_X`` methods of a visitor, looked up once per node type."""

    def __init__(self, visitor) -> None:
        self.visitor = visitor
        self.visits: dict[type, object] = {}
        self.leaves: dict[type, object] = {}

    def visit(self, cls: type):
        if cls not in self.visits:
            self.visits[cls] = getattr(self.visitor, f"visit_{cls.__name__}", None)
            self.leaves[cls] = getattr(self.visitor, f"leave_{cls.__name__}", None)
        return self.visits[cls]

    def leave(self, cls: type):
        return self.leaves[cls]


def walk(node: cst.CSTNode, visitor) -> None:
    """Iterative: a tree may nest deeper than Python's stack. A node is pushed, then (node,) to
    leave it once its children are done."""
    handlers = _Handlers(visitor)
    stack: list = [node]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        current = pop()
        if type(current) is tuple:
            leave = handlers.leave(type(current[0]))
            if leave is not None:
                leave(current[0])
            continue
        visit = handlers.visit(type(current))
        push((current,))
        if visit is None or visit(current) is not False:
            extend(reversed(children(current)))


def iter_nodes(node: cst.CSTNode, skip_functions: bool = False) -> Iterator[cst.CSTNode]:
    """Every code node below ``node`` (optionally not entering nested defs and lambdas)."""
    stack = children(node)[:]
    while stack:
        current = stack.pop()
        yield current
        if skip_functions and isinstance(current, (cst.FunctionDef, cst.Lambda)):
            continue
        stack.extend(children(current))
