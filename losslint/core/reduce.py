"""Keep what can matter, blank the rest: a cheap stdlib-``ast`` pass before the libcst parse.

libcst trees cost about 800 bytes of memory per byte of source and most of the parse time. Large
files (test suites, backends) are mostly functions no rule can flag. Definitions whose code cannot
be loss code (it spells no loss word or sink) and that no kept code reaches are replaced by blank
lines (a ``pass`` where a body would become empty), so every remaining line and column is where it
was.
"""

from __future__ import annotations

import ast
import re
from typing import Callable

_NAME_LIKE = re.compile(r"[A-Za-z_][\w.]*")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
# Methods that run without being named: construction, calls of the object, test fixtures.
UNNAMED_METHODS = frozenset({"__init__", "__post_init__", "__call__", "forward", "call", "build", "setUp", "setup",
                             "__new__", "__getattr__"})


def reduce_source(text: str, keep: Callable[[str], bool], tree: ast.Module | None = None,
                  keep_name: Callable[[str], bool] | None = None,
                  may_spell: Callable[[str], bool] | None = None) -> str | None:
    """``text`` with the definitions that nothing kept refers to blanked out, unless ``keep``
    accepts their text or ``keep_name`` one of the names their code spells (see _References);
    None when nothing can be dropped or the text does not parse. ``tree``: the text's tree, when
    the caller has it. ``may_spell``: a cheap test of a definition's text, false only where no
    name in it can pass ``keep_name`` (its names are then not read)."""
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
    classes = {b.name: b for b, parent in blocks if parent is None and isinstance(b, ast.ClassDef)}
    class_names = set(classes)
    refs = _LazyReferences(classes)
    names = keep_name or (lambda name: False)
    spelled = may_spell or (lambda text: True)
    accepted: dict[int, bool] = {}
    for block, _ in blocks:
        # A class is judged by its header (a Loss name or base keeps it, and so every method); a
        # function by its code.
        if isinstance(block, ast.ClassDef):
            accepted[id(block)] = keep(_header(block, lines)) or any(names(n) for n in _header_names(block))
        else:
            text = _text(block, lines)
            accepted[id(block)] = keep(text) or (spelled(text) and any(names(n) for n in refs[block].words))
    kept = {id(b) for b, parent in blocks if accepted[id(b)] or (parent is not None and accepted[id(parent)])}
    outside = _References([n for n in tree.body if not isinstance(n, DEFS)], classes)
    related = _related_classes(blocks, classes)
    # A class kept for its own sake (its header, or kept code naming it) keeps every method: code that
    # uses the class runs them unnamed (a module's forward through __call__, __init__ through the
    # class's name) or through instances the analysis cannot follow. A class kept only for a method
    # keeps its header, the methods run unnamed, and the methods its kept code reaches: those named
    # ``self.m`` / ``super().m`` / ``C.m``, those calling a kept method (callers tell what a
    # helper's parameters hold) and those reading an attribute that kept code sets to loss code
    # (``self.criterion = nn.BCELoss()``). A kept function keeps the functions it names.
    whole = {id(b) for b, parent in blocks if isinstance(b, ast.ClassDef) and id(b) in kept}
    changed = True
    while changed:
        changed = False
        live = [block for block, _ in blocks if id(block) in kept]
        named = outside.bare.union(*(refs[b].bare for b in live))
        qualified = outside.qualified.union(*(refs[b].qualified for b in live))
        kept_functions = {b.name for b, parent in blocks if parent is None and id(b) in kept
                          and not isinstance(b, ast.ClassDef)}
        reached: dict[str, set[str]] = {}  # class -> its members that kept code reaches
        for block, parent in blocks:
            if parent is not None and id(block) in kept:
                members = reached.setdefault(parent.name, set())
                members |= refs[block].selfs | {block.name}
                members |= {member for member, used in refs[block].assigned
                            if any(names(n) for n in used) or used & kept_functions or used & class_names}
        for block, parent in blocks:
            if parent is not None and id(block) in kept and id(parent) not in kept:
                kept.add(id(parent))  # a kept method keeps its class (header, bases)
                changed = True
            if id(block) in kept:
                continue
            if parent is None:
                wanted = block.name in named
            else:
                family = related.get(parent.name, {parent.name})
                wanted = id(parent) in whole or (parent.name, block.name) in qualified or (
                    id(parent) in kept and block.name in UNNAMED_METHODS) or any(
                    block.name in reached.get(c, ()) for c in family) or (
                    any(c in reached for c in family) and any(refs[block].selfs & reached.get(c, set()) for c in family))
            if wanted:  # (its class, if not kept yet, is kept on the next pass)
                kept.add(id(block))
                changed = True
        for block, parent in blocks:  # a class named by kept code is kept whole
            if parent is None and isinstance(block, ast.ClassDef) and id(block) not in whole and block.name in named:
                whole.add(id(block))
                kept.add(id(block))
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


class _LazyReferences(dict):
    """``refs[block]``: the block's _References, read from its tree the first time it is asked."""

    def __init__(self, classes: dict) -> None:
        super().__init__()
        self.classes = classes

    def __missing__(self, block):
        found = self[block] = _References(_own_nodes(block), self.classes)
        return found


class _References:
    """What a block of code refers to: bare names (functions, classes, constants), members of
    ``self`` / ``cls`` / ``super()``, members of a class of the module (``C.m``), the members of
    ``self`` it sets (with the names each assignment uses), and every name its code spells
    (identifiers, attribute and keyword names, short identifier-like strings such as dict keys;
    not docstrings or comments)."""

    def __init__(self, nodes, classes: dict) -> None:
        self.bare: set[str] = set()
        self.selfs: set[str] = set()
        self.qualified: set[tuple[str, str]] = set()
        self.assigned: list[tuple[str, set[str]]] = []
        self.words: set[str] = set()
        for root in nodes:
            for node in ast.walk(root):
                kind = type(node)
                if kind is ast.Name:
                    self.bare.add(node.id)
                elif kind is ast.Attribute:
                    self.words.add(node.attr)
                    owner = node.value
                    if isinstance(owner, ast.Name) and owner.id in ("self", "cls"):
                        self.selfs.add(node.attr)
                    elif isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) and owner.func.id == "super":
                        self.selfs.add(node.attr)
                    elif isinstance(owner, ast.Name) and owner.id in classes:
                        self.qualified.add((owner.id, node.attr))
                elif kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
                    self.words.add(node.name)
                elif kind is ast.arg:
                    self.words.add(node.arg)
                elif kind is ast.keyword:
                    if node.arg:
                        self.words.add(node.arg)
                elif kind is ast.alias:
                    self.words.add(node.asname or node.name)
                    self.words.add(node.name)
                elif kind is ast.Constant:
                    if isinstance(node.value, str) and len(node.value) <= 64 and _NAME_LIKE.fullmatch(node.value):
                        self.words.add(node.value)  # {"loss": ...}, compile(loss="mse"), getattr(self, "crit")
                elif kind in (ast.Assign, ast.AnnAssign, ast.AugAssign):
                    targets = node.targets if kind is ast.Assign else [node.target]
                    members = [part.attr for target in targets for part in ast.walk(target)
                               if isinstance(part, ast.Attribute) and isinstance(part.value, ast.Name)
                               and part.value.id == "self"]
                    if members and node.value is not None:
                        used = _names_in(node.value)
                        self.assigned += [(member, used) for member in members]
                elif kind is ast.Call:
                    member = _registered_member(node)
                    if member is not None:
                        self.assigned.append((member, _names_in(node)))
        self.words |= self.bare


def _names_in(node) -> set[str]:
    out = set()
    for part in ast.walk(node):
        if isinstance(part, ast.Name):
            out.add(part.id)
        elif isinstance(part, ast.Attribute):
            out.add(part.attr)
    return out


def _registered_member(call: ast.Call) -> str | None:
    """``self.register_buffer("name", v)`` / ``setattr(self, "name", v)``: the member set."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    position = 1 if name == "setattr" else 0 if name in ("register_buffer", "register_parameter",
                                                          "register_module", "add_module") else None
    if position is None or len(call.args) <= position:
        return None
    value = call.args[position]
    return value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else None


def _header_names(cls: ast.ClassDef) -> set[str]:
    """The names a class's header spells: its own, its bases', its decorators' and keywords'."""
    found = {cls.name}
    for root in (*cls.decorator_list, *cls.bases, *cls.keywords):
        found |= _names_in(root)
        if isinstance(root, ast.keyword) and root.arg:
            found.add(root.arg)
    return found


def _own_nodes(block) -> list:
    """The code a block stands for: a function whole; a class's header and the statements of its
    body that are not methods (class attributes live and die with the class)."""
    if not isinstance(block, ast.ClassDef):
        return [block]
    return [*block.decorator_list, *block.bases, *block.keywords,
            *(n for n in block.body if not isinstance(n, DEFS))]


def _related_classes(blocks, classes: dict) -> dict[str, set[str]]:
    """Each class of the module with its bases and subclasses of the module: ``self.m`` in any of
    them may mean the method ``m`` of another."""
    bases: dict[str, set[str]] = {}
    for name, cls in classes.items():
        bases[name] = {b.id if isinstance(b, ast.Name) else b.attr if isinstance(b, ast.Attribute) else ""
                       for b in cls.bases} & set(classes)
    family: dict[str, set[str]] = {name: {name} for name in classes}
    changed = True
    while changed:
        changed = False
        for name in classes:
            grown = set(family[name])
            for other in list(grown):
                grown |= bases.get(other, set())
                grown |= {sub for sub, parents in bases.items() if other in parents}
            if grown != family[name]:
                family[name] = grown
                changed = True
    return family
