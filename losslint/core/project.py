"""The other modules of a file's project: what a name imported from them stands for, and what their
functions return.

``from .utils import helper`` and ``from pkg.layers import common_layers`` are followed to the
files of the same package (or of the file's folder, for a script), through re-exports, by a
stdlib-``ast`` table of each module's top-level names. A function found there is analysed in its
own module (its return values evaluated with the caller's argument values), so a helper that
returns a softmax, a static shape or a numpy array is known as one where it is called. Only the
definitions the function reaches are parsed with libcst. Every file read is recorded with a digest
of its content: a cached result is valid while those files are unchanged.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
import time
from collections import OrderedDict

import libcst as cst

from losslint.core import vocabulary as V
from losslint.core.names import ImportTable, dotted_name

# Past this size a module is not read for its helpers: generated code, tables.
MAX_MODULE_BYTES = 512 * 1024
# Re-exports followed from a name to its definition.
MAX_HOPS = 4
# Module analyses kept per process (keyed by file content and the function asked for).
MAX_ANALYSES = 256

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
# Per file: its content, its digest, its top-level names (("def",), ("class",), ("value", number or
# None), ("import", module, level, name or None)) and its outline (what to keep of it for a function).
_TABLES: dict[str, tuple[bytes, str, dict[str, tuple], _Outline]] = {}
_ANALYSES: OrderedDict[tuple[str, str, str], ModuleAnalysis | None] = OrderedDict()
_STAMPS: dict[str, tuple[int, int]] = {}  # per file: (modification time, size) when its table was read
# Per (file, digest, top-level name): can its value carry a loss (_definition_gives).
_GIVES: dict[tuple[str, str, str], bool] = {}
_CYCLE = ("cycle",)


class Project:
    """The project as seen from one file (``path``), through its imports."""

    def __init__(self, path: str | None, imports: ImportTable) -> None:
        self.path = os.path.abspath(path) if path else None
        self.imports = imports
        self.read: dict[str, str] = {}  # files read for this file's results -> content digest
        self.used: list[ModuleAnalysis] = []
        self._resolved: dict[str, tuple | None] = {}

    # -- what a name stands for ---------------------------------------------------------------------
    def function(self, func: cst.BaseExpression, env) -> tuple[ModuleAnalysis, object] | None:
        """The module analysis and FunctionInfo of the project function ``func`` names
        (``helper``, ``common_layers.shape_list``), or None."""
        dotted = dotted_name(func)
        found = self._definition(dotted, env) if dotted is not None else None
        if found is None:
            return None
        file, name = found
        analysis = _analysis(file, name)
        if analysis is None:
            return None
        self._note(file)
        if analysis not in self.used:
            self.used.append(analysis)
        helper = analysis.function(name)
        return (analysis, helper) if helper is not None else None

    def constant(self, name: str) -> float | None:
        """The number a project module binds to the imported ``name`` (``from .config import EPS``)."""
        if self.path is None or name not in self.imports.origins:
            return None
        if name not in self._resolved:
            self._resolved[name] = self._target(name)
        target = self._resolved[name]
        return target[1] if target is not None and target[0] == "value" else None

    def _target(self, dotted: str) -> tuple | None:
        head, *attributes = dotted.split(".")
        module, level, name = self.imports.origins[head]
        file = module_file(self.path, module, level)
        if file is None:
            return None
        self._note(file)
        return self._follow(file, ([name] if name else []) + attributes, MAX_HOPS)

    def _follow(self, file: str, names: list[str], hops: int) -> tuple | None:
        """What ``names`` (a name, then attributes of it) stand for, starting in module ``file``."""
        while names:
            first, names = names[0], names[1:]
            entry = module_table(file).get(first)
            if entry is None:
                submodule = _submodule(file, first)  # ``pkg.sub``: a module of the package
                if submodule is None:
                    return None
                file = submodule
                self._note(file)
                continue
            if entry[0] == "import":
                if hops == 0:
                    return None
                hops -= 1
                _, module, level, original = entry
                found = module_file(file, module, level)
                if found is None:
                    return None
                if module is None:  # ``from . import sub``: the module, not a name of the package
                    found, original = _submodule(found, original), None
                    if found is None:
                        return None
                file = found
                self._note(file)
                names = ([original] if original else []) + names
                continue
            if names:  # an attribute of a function, a class or a number
                return None
            if entry[0] == "def":
                return ("def", file, first)
            if entry[0] == "value":
                return ("value", entry[1])
            return None
        return None

    def gives_loss(self, callee: str) -> bool:
        """Can the call of ``callee`` (``helper``, ``module.helper``), a function of another module of
        the project, give a loss, as far as it is analysed here: does it read a loss word, or call
        another function of the project that can? Classes, values and other packages' names are
        not analysed from here: they cannot."""
        head, *attributes = callee.split(".")
        if self.path is None or head not in self.imports.origins:
            return False
        module, level, original = self.imports.origins[head]
        file = module_file(self.path, module, level)
        if file is None:
            return False
        return _gives(file, ([original] if original else []) + attributes, set())

    def differentiated_arguments(self, callee: str) -> frozenset[int]:
        """Positions of the arguments that ``callee``, a function of another module of the project,
        hands to autograd as they are."""
        found = self._definition(callee)
        known = _TABLES.get(found[0]) if found is not None else None
        return known[3].differentiated.get(found[1], frozenset()) if known is not None else frozenset()

    def _definition(self, dotted: str, env=()) -> tuple[str, str] | None:
        """(file, name) of the top-level function of another module of the project that ``dotted``
        names (``helper``, ``common_layers.shape_list``), unless ``env`` or the module rebinds it."""
        head = dotted.split(".")[0]
        if self.path is None or head not in self.imports.origins or head in env or head in self.imports.bound_names:
            return None
        if dotted not in self._resolved:
            self._resolved[dotted] = self._target(dotted)
        target = self._resolved[dotted]
        return (target[1], target[2]) if target is not None and target[0] == "def" else None

    def _note(self, file: str) -> None:
        if file not in _TABLES:
            module_table(file)
        known = _TABLES.get(file)
        if known is not None:  # a module too large to read shaped nothing
            self.read[file] = known[1]

    def dependencies(self) -> dict[str, str]:
        """Every file (but this one) whose content shaped the results, with its digest."""
        found: dict[str, str] = {}
        pending, seen = [self], set()
        while pending:
            project = pending.pop()
            if id(project) in seen:
                continue
            seen.add(id(project))
            found.update(project.read)
            pending.extend(analysis.project for analysis in project.used)
        found.pop(self.path or "", None)
        return found


def _gives(file: str, names: list[str], active: set) -> bool:
    """``names`` (a name, then attributes of it) in module ``file``: can calling it give a loss?"""
    hops = MAX_HOPS
    while names:
        first, names = names[0], names[1:]
        entry = module_table(file).get(first)
        if entry is None:
            submodule = _submodule(file, first)
            if submodule is None:
                return False
            file = submodule
            continue
        if entry[0] == "import":
            if hops == 0:
                return True  # not followed further: it may
            hops -= 1
            _, module, level, original = entry
            found = module_file(file, module, level)
            if found is None:  # another package's name: a loss only by what it is called
                return any(V.names_loss_api(part) for part in (module or "").split(".") + [original or ""])
            if module is None:
                found, original = _submodule(found, original), None
                if found is None:
                    return False
            elif original and os.path.basename(found) == "__init__.py" and (found == file or original not in module_table(found)):
                submodule = _submodule(found, original)  # ``from pkg import sub``, also in pkg itself
                if submodule is not None:
                    found, original = submodule, None
            file, names = found, ([original] if original else []) + names
            continue
        if entry[0] not in ("def", "value") or names:
            return False  # a class, an attribute of something: never analysed from here
        return _definition_gives(file, first, active)
    return True  # a module called, or one it cannot tell: it may


def _definition_gives(file: str, name: str, active: set) -> bool:
    """Can the top-level function (or value) ``name`` of module ``file`` carry a loss: does it read
    a loss word, or a definition, value or import of the project that can?"""
    if file not in _TABLES:
        module_table(file)
    known = _TABLES.get(file)
    if known is None:  # unreadable, or too large to be read for its helpers
        return False
    key = (file, known[1], name)
    if key in _GIVES:
        return _GIVES[key]
    if key in active:
        active.add(_CYCLE)  # what depends on this is not known yet: not remembered as False
        return False
    if len(active) > 256:
        return True  # past the budget: it may
    active.add(key)
    table, outline = known[2], known[3]
    if name in outline.definitions:  # a function: what it calls (a loss comes from a call)
        calls, values = outline.calls.get(name, frozenset()), outline.definitions[name][2]
    else:  # a value: whatever it reads
        calls = values = outline.assigned.get(name, frozenset())
    found = any(V.names_loss_api(part) for callee in calls for part in callee.split("."))
    for callee in calls:
        if found:
            break
        head = callee.split(".")[0]
        entry = table.get(head)
        if entry is None or head == name:
            continue
        if entry[0] in ("def", "value"):
            found = _definition_gives(file, head, active)
        elif entry[0] == "class":
            found = head in outline.definitions and any(
                V.names_loss_api(n) for n in outline.definitions[head][2] | outline.attributes.get(head, frozenset()))
        elif entry[0] == "import":  # a function of it, or ``module.f``
            found = _gives(file, callee.split("."), active)
    for read in values:  # a value of the module (a loss object) read and called under another name
        if found:
            break
        entry = table.get(read)
        if entry is not None and entry[0] == "value" and read != name:
            found = _definition_gives(file, read, active)
    active.discard(key)
    if found or _CYCLE not in active:
        if len(_GIVES) > 64 * MAX_ANALYSES:
            _GIVES.clear()
        _GIVES[key] = found
    return found


# Calls that differentiate their first argument (tf.gradients(loss, vars), tape.gradient(loss, ...),
# opt.minimize(loss), torch.autograd.grad(loss, ...), accelerator.backward(loss)).
_DIFFERENTIATING = frozenset({"gradients", "gradient", "compute_gradients", "minimize", "backward", "manual_backward"})


def _differentiated_parameters(function: ast.FunctionDef | ast.AsyncFunctionDef, nodes: list) -> frozenset[int]:
    """Positions of the parameters ``function`` hands to autograd as they are (``flatgrad(loss,
    var_list)`` calls ``tf.gradients(loss, var_list)``): its callers' arguments there are losses."""
    positions = {a.arg: i for i, a in enumerate(function.args.posonlyargs + function.args.args)}
    found = set()
    for node in nodes:
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func) or ""
        if isinstance(node.func, ast.Attribute) and node.func.attr == "backward" and not node.args \
                and isinstance(node.func.value, ast.Name):
            handed = node.func.value  # loss.backward()
        elif "." in name and (name.split(".")[-1] in _DIFFERENTIATING or name.endswith("autograd.grad")) \
                and node.args and not isinstance(node.args[0], ast.Starred):
            handed = node.args[0]
        else:
            continue
        if isinstance(handed, ast.Name) and handed.id in positions:
            found.add(positions[handed.id])
    if function.args.args and function.args.args[0].arg in ("self", "cls"):
        found = {i - 1 for i in found if i > 0}  # positions as a caller of the method passes them
    return frozenset(found)


def _dotted(node: ast.expr) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


class ModuleAnalysis:
    """Another module of the project, with only the definitions one function reaches kept."""

    def __init__(self, path: str, source: str) -> None:
        from losslint.core.index import ModuleIndex
        from losslint.core.ranges import RangeAnalysis
        from losslint.core.scopes import LossScopes
        from losslint.core.values import ValueAnalysis
        from losslint.core.walk import walk

        module = cst.parse_module(source)
        self.index = ModuleIndex()
        walk(module, self.index)
        self.project = Project(path, self.index.imports)
        self.scopes = LossScopes(self.index, (), path)
        self.ranges = RangeAnalysis(self.index, path, self.project)
        self.ranges.set_module(module)
        self.values = ValueAnalysis(self.index, self.ranges, self.scopes, self.project)

    def function(self, name: str):
        return next((f for f in self.index.functions if f.name == name and f.parent is None and f.cls is None
                     and isinstance(f.node, cst.FunctionDef)), None)


def _analysis(file: str, name: str) -> ModuleAnalysis | None:
    known = _TABLES.get(file)
    if known is None:
        return None
    body, digest, _, outline = known
    key = (file, digest, name)
    if key in _ANALYSES:
        _ANALYSES.move_to_end(key)
        return _ANALYSES[key]
    try:
        analysis = ModuleAnalysis(file, outline.reaching(body.decode("utf-8"), name))
    except (SyntaxError, ValueError, UnicodeDecodeError, RecursionError, cst.ParserSyntaxError):
        analysis = None
    _ANALYSES[key] = analysis
    if len(_ANALYSES) > MAX_ANALYSES:
        _ANALYSES.popitem(last=False)
    return analysis


class _Outline:
    """A module's top-level statements by line span: its definitions with the names each reads,
    and the statements a helper may need besides (imports, assignments)."""

    def __init__(self, statements: list[ast.stmt]) -> None:
        self.definitions: dict[str, tuple[int, int, frozenset[str]]] = {}
        self.other: list[tuple[int, int]] = []  # statements no function needs: blanked
        self.attributes: dict[str, frozenset[str]] = {}  # definition -> the attribute names it reads
        self.assigned: dict[str, frozenset[str]] = {}  # top-level assignment -> the names its value reads
        self.calls: dict[str, frozenset[str]] = {}  # definition -> the dotted names it calls
        self.differentiated: dict[str, frozenset[int]] = {}  # function -> its parameters it hands to autograd
        for node in statements:
            first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", ())]) - 1
            span = (first, node.end_lineno or node.lineno)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                nodes = list(ast.walk(node))
                names = frozenset(n.id for n in nodes if isinstance(n, ast.Name))
                self.definitions[node.name] = (*span, names)
                self.attributes[node.name] = frozenset(n.attr for n in nodes if isinstance(n, ast.Attribute))
                self.calls[node.name] = frozenset(filter(None, (_dotted(n.func) for n in nodes if isinstance(n, ast.Call))))
                if not isinstance(node, ast.ClassDef):
                    handed = _differentiated_parameters(node, nodes)
                    if handed:
                        self.differentiated[node.name] = handed
            elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                nodes = list(ast.walk(node.value))
                read = frozenset(n.id if isinstance(n, ast.Name) else n.attr for n in nodes
                                 if isinstance(n, (ast.Name, ast.Attribute)))
                for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    if isinstance(target, ast.Name):
                        self.assigned[target.id] = read
            elif not isinstance(node, (ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign, ast.If, ast.Try)):
                self.other.append(span)  # calls that register or run things, loops, docstrings...

    def reaching(self, text: str, name: str) -> str:
        """``text`` with what the function ``name`` does not reach blanked: the other top-level
        definitions, and statements that are neither imports nor assignments (a helper is analysed
        without its whole module)."""
        kept, pending = set(), [name]
        while pending:
            current = pending.pop()
            if current in kept or current not in self.definitions:
                continue
            kept.add(current)
            pending.extend(self.definitions[current][2])
        lines = _LINE.findall(text)  # lines as the tree counts them (not at form feeds)
        spans = [(a, b) for n, (a, b, _) in self.definitions.items() if n not in kept] + self.other
        for first, last in spans:
            for i in range(first, min(last, len(lines))):
                lines[i] = "\n"
        return "".join(lines)


def module_table(path: str) -> dict[str, tuple]:
    """A module's top-level names, read again only when the file's content changed."""
    try:
        stat = os.stat(path)
        if stat.st_size > MAX_MODULE_BYTES:
            return {}
        known = _TABLES.get(path)
        stamp = (stat.st_mtime_ns, stat.st_size)
        # An unchanged stamp of a file not written just now (timestamps are coarser than writes:
        # "racy" changes within them are read again) is the same content.
        if known is not None and _STAMPS.get(path) == stamp and time.time_ns() - stamp[0] > 2_000_000_000:
            return known[2]
        with open(path, "rb") as handle:
            body = handle.read()
    except OSError:
        return {}
    _STAMPS[path] = stamp
    if known is not None and known[0] == body:
        return known[2]
    if len(_TABLES) > 4 * MAX_ANALYSES:
        _TABLES.clear()  # a long-lived process (the language server) keeps only recent modules
        _STAMPS.clear()
    table: dict[str, tuple] = {}
    try:
        statements = ast.parse(body).body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        statements = []
    for statement in statements:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            table[statement.name] = ("def",)
        elif isinstance(statement, ast.ClassDef):
            table[statement.name] = ("class",)
        elif isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            try:
                value = ast.literal_eval(statement.value)
                number = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
            except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
                number = None
            for target in targets:
                if isinstance(target, ast.Name):
                    table[target.id] = ("value", number)
        elif isinstance(statement, ast.ImportFrom):
            for alias in statement.names:
                if alias.name != "*":
                    table[alias.asname or alias.name] = ("import", statement.module, statement.level, alias.name)
        elif isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.asname:
                    table[alias.asname] = ("import", alias.name, 0, None)
    _TABLES[path] = (body, hashlib.sha256(body).hexdigest(), table, _Outline(statements))
    return table


def module_file(path: str, module: str | None, level: int) -> str | None:
    """The file of ``from <level dots><module> import ...`` seen from ``path``, within its package."""
    folder = os.path.dirname(path)
    if level:
        for _ in range(level - 1):
            folder = os.path.dirname(folder)
    elif os.path.isfile(os.path.join(folder, "__init__.py")):  # absolute, in a package: from above its top
        top = folder
        while os.path.isfile(os.path.join(os.path.dirname(top), "__init__.py")):
            top = os.path.dirname(top)
        folder = os.path.dirname(top)
    base = os.path.join(folder, *(module.split(".") if module else []))
    for candidate in (base + ".py", os.path.join(base, "__init__.py")):
        if os.path.isfile(candidate):
            return candidate
    return None


def _submodule(file: str, name: str) -> str | None:
    if os.path.basename(file) != "__init__.py":
        return None
    base = os.path.join(os.path.dirname(file), name)
    for candidate in (base + ".py", os.path.join(base, "__init__.py")):
        if os.path.isfile(candidate):
            return candidate
    return None


def content_digest(path: str) -> str | None:
    """The digest a dependency is recorded with, read afresh (None when it cannot be read)."""
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None
