"""The engine: from source bytes to diagnostics, and to fixed source. Front ends only call this."""

from __future__ import annotations

import ast
import difflib
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from losslint import bounds, fixes
from losslint.core import vocabulary as V
from losslint.core.facts import FileFacts
from losslint.core.reduce import reduce_source
from losslint.core.scopes import path_named_loss
from losslint.core.walk import children, forget as forget_children, iter_nodes
from losslint.diagnostics import (Applicability, Diagnostic, Edit, FixSummary, Location, Report)
from losslint.parse import Source, Unanalysable, lines_of, parse, prepare, quiet_compile, restore
from losslint.rules import all_rules
from losslint.rules.base import FILE, Rule
from losslint.suppression import Suppressions, physical_lines, without_codes

# A file that names no ML framework is skipped before parsing.
FRAMEWORK_TEXT = re.compile(rb"\b(?:torch|tensorflow|keras|tf|jax|jnp|numpy|np|F|K|nn)\b")
# Loss code is computed for a gradient (a sink), named by loss vocabulary, or a loss API's value;
# a file holding none of these words holds none.
LOSS_TEXT = V.LossText(extra=("backward", "gradient", "grad(", "minimize", "compile", "training_step", "train_step"))
BOM = b"\xef\xbb\xbf"
MAX_FIX_PASSES = 10
SYNTAX_ERROR = "LL000"
UNUSED_NOQA = "LL901"


@dataclass(frozen=True)
class Settings:
    """What to run on one file: the enabled rule codes and the loss-function name patterns."""

    codes: frozenset[str] = field(default_factory=lambda: frozenset(
        code for code, rule in all_rules().items() if rule.default_enabled))
    loss_patterns: tuple[str, ...] = ()
    # Blank out definitions that cannot hold a finding before parsing (a speed and memory lever
    # that must not change what is found; tests run with and without it).
    reduce: bool = True
    # Rule options from the configuration, as (key, value) pairs: hashable and picklable.
    options: tuple[tuple[str, object], ...] = ()
    # Rules whose spec allows it that also run outside loss code (by default every rule runs in loss code only).
    everywhere: frozenset[str] = frozenset()
    # Codes whose fixes are neither offered nor applied (``unfixable``, or outside ``fixable``).
    unfixable: frozenset[str] = frozenset()
    # The fix applicability the configuration sets in place of a rule's own
    # (``extend-safe-fixes``, ``extend-unsafe-fixes``), as (code, applicability) pairs.
    applicability: tuple[tuple[str, Applicability], ...] = ()
    respect_noqa: bool = True  # False for ``--ignore-noqa``

    def rules(self) -> list[type[Rule]]:
        """The enabled rules that walk the code (LL000 and LL901 are the engine's own)."""
        return [rule for code, rule in all_rules().items() if code in self.codes and rule.runs_in != FILE]

    def fix_applicability(self, code: str, declared: Applicability) -> Applicability | None:
        """How a fix of ``code`` counts here: as declared, as the configuration sets it, or None
        (not offered) for an unfixable code."""
        if code in self.unfixable:
            return None
        return dict(self.applicability).get(code, declared)


@dataclass
class FileResult:
    filename: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    error: str | None = None  # the file could not be analyzed (read or syntax error)
    fixed: bytes | None = None  # the new content, when fixing changed it
    fixes_applied: int = 0
    fixed_codes: dict[str, int] = field(default_factory=dict)  # fixes applied, per code
    noqa_added: int = 0  # ``--add-noqa``: the lines that got a noqa comment
    cacheable: bool = True
    # Other files of the project whose content shaped the result (imported constants and helpers):
    # path -> digest of the content read. A cached result holds while they are unchanged.
    dependencies: dict[str, str] = field(default_factory=dict)


class RuleError(Exception):
    """A rule failed on this file: the run goes on, and the message names the rule."""

    def __init__(self, code: str, error: BaseException) -> None:
        super().__init__(f"{code}: {type(error).__name__}: {error}")
        self.code = code


# -- analysis -------------------------------------------------------------------------------------
def _wanted_rules(source: bytes, filename: str, settings: Settings) -> list[type[Rule]]:
    if not FRAMEWORK_TEXT.search(source):
        return []
    has_loss_words = bool(settings.loss_patterns) or LOSS_TEXT.search(source) \
        or path_named_loss(filename)
    return [rule for rule in settings.rules()
            if (rule.code in settings.everywhere or has_loss_words) and rule.trigger.search(source)]


class _Dispatcher:
    """One walk of the tree for all rules; loss-scope rules are only called inside loss code."""

    def __init__(self, facts: FileFacts, rules: list[Rule], everywhere: frozenset[str] = frozenset()) -> None:
        self.facts = facts
        self.table: dict[type, list[tuple[Rule, object, bool]]] = {}
        self.anywhere = False  # does some rule look at code outside loss code?
        # Loss code, a value handed to autograd, or a module defining its own backward (gradient code).
        holds_loss_code = bool(facts.scopes.functions or facts.scopes.statements or facts.index.sinks) or any(
            "backward" in cls.methods and facts.scopes.is_torch_module(cls) for cls in facts.index.classes.values())
        for rule in rules:
            anywhere = rule.code in everywhere or (rule.file_level and holds_loss_code)
            self.anywhere |= anywhere and bool(type(rule).handlers())
            for node_type, attr in type(rule).handlers().items():
                # Expressions are checked where they feed the loss; definitions where loss code is.
                on_path = not anywhere and node_type not in (cst.FunctionDef, cst.ClassDef, cst.Module)
                self.table.setdefault(node_type, []).append((rule, getattr(rule, attr), anywhere, on_path,
                                                            rule.follows_control))

    def run(self, root: cst.CSTNode) -> None:
        facts, table, check_time = self.facts, self.table, bounds.check_time
        if not self.anywhere and not (facts.scopes.functions or facts.scopes.statements) \
                and not facts.may_compute_loss():
            return  # no loss code, and every rule looks only inside it: no handler can be called
        # Iterative (trees nest deeper than the stack): a node, then later (node,) to leave it.
        stack: list = [root]
        pop, push, extend = stack.pop, stack.append, stack.extend
        visited = 0
        while stack:
            node = pop()
            if type(node) is tuple:
                facts.leave(node[0])
                continue
            visited += 1
            if visited & 255 == 1:  # the first node, then every 256th
                check_time()
            facts.enter(node)
            loss_call = None  # is the node a loss API's call (loss code wherever it stands)? asked once
            for rule, handler, anywhere, on_path, control in table.get(type(node), ()):
                if not (anywhere or (facts.in_loss_scope and (not on_path or facts.on_loss_path(node, control)))):
                    if not on_path or type(node) is not cst.Call:
                        continue
                    if loss_call is None:
                        loss_call = facts.computes_loss(node)
                    if not loss_call:
                        continue
                try:
                    handler(node)
                except (RecursionError, MemoryError, bounds.OverBudget):
                    raise
                except Exception as error:
                    raise RuleError(rule.code, error) from error
            push((node,))
            extend(reversed(children(node)))


def analyze_module(module: cst.Module, source: str, rules: list[type[Rule]], settings: Settings,
                   path: str | None = None, result: FileResult | None = None) -> list[Report]:
    facts = FileFacts(module, source, settings.loss_patterns, dict(settings.options), path)
    reports: list[Report] = []
    _Dispatcher(facts, [rule(facts, reports) for rule in rules], settings.everywhere).run(module)
    if result is not None:
        result.dependencies.update(facts.project.dependencies())
    reports = _without_superseded(reports)
    parents = fixes.Parents()
    return [_offered(report, module, parents) for report in reports]


def _offered(report: Report, module: cst.Module, parents: fixes.Parents) -> Report:
    """The report with its fix as it will be applied: parenthesized to keep operator precedence,
    in itself and where it stands; none when it would drop a comment of the code it rewrites."""
    if report.fix is None:
        return report
    replacements = []
    for old, new in report.fix.replacements:
        if fixes.comments(old) - fixes.comments(new):
            report.fix = None
            return report
        parent, field_name = parents.of(old, report.statement or module)
        replacements.append((old, fixes.parenthesized(new, parent, field_name)))
    report.fix.replacements = replacements
    return report


def _without_superseded(reports: list[Report]) -> list[Report]:
    """Drop findings that a more specific finding covers (LL216 on log(1 + exp(x)) covers LL204 on exp(x))."""
    rules = all_rules()
    covered: set[tuple[str, int]] = set()
    inner: dict[str, set[int]] = {}  # code -> ids of findings that replace the findings enclosing them
    for report in reports:
        codes = rules[report.code].supersedes
        if codes:
            nodes = [n for root in (report.node, *report.covers) for n in (root, *iter_nodes(root))]
            covered |= {(code, id(node)) for code in codes for node in nodes}
        for code in rules[report.code].supersedes_enclosing:
            inner.setdefault(code, set()).add(id(report.node))
    kept = []
    for r in reports:
        if (r.code, id(r.node)) in covered:
            continue
        if r.code in inner and any(id(n) in inner[r.code] for n in iter_nodes(r.node)):
            continue
        kept.append(r)
    return kept


def _reduced(body: bytes, filename: str, rules: list[type[Rule]], settings: Settings,
             tree: ast.Module | None = None) -> bytes:
    """The source with definitions no rule can act on blanked out (lines and columns unchanged)."""
    if not settings.reduce or settings.loss_patterns or path_named_loss(filename):
        return body  # configured loss-function names, or the file's name, can make any definition loss code
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return body  # other encodings: parse as is
    # What can hold a finding: code that may be loss code (it spells a loss word or a sink in its
    # code, docstrings and comments aside), or that matches a rule running anywhere, or that a rule
    # about the file's structure reads as evidence (LL404: the model's layers, its fit call).
    triggers = [rule.trigger for rule in rules if rule.code in settings.everywhere] + [
        rule.evidence for rule in rules if rule.evidence is not None]

    def keep(block: str) -> bool:
        data = block.encode("utf-8")
        return any(trigger.search(data) for trigger in triggers)
    reduced = reduce_source(text, keep, tree, keep_name=_names_loss, may_spell=_may_name_loss)
    return reduced.encode("utf-8") if reduced is not None else body


def _may_name_loss(text: str) -> bool:
    """A superset of ``_names_loss`` over a text's names: the prefilter finds in a text every word
    it finds in one of the text's names."""
    return "grad" in text or LOSS_TEXT.search(text.encode("utf-8"))


@lru_cache(maxsize=65536)
def _names_loss(name: str) -> bool:
    """Can code spelling this name be loss code: a loss word, or a sink (``backward``, ``grad``...)?"""
    return name == "grad" or bool(LOSS_TEXT.search(name.encode()))


def _error(filename: str, error: Exception) -> Diagnostic:
    """LL000 for a file that cannot be analysed, where the reason is (line 1 when it has no place)."""
    if isinstance(error, bounds.TooLarge):
        message, row, column = f"too large to analyse: {error}", error.row, error.column
    elif isinstance(error, Unanalysable):
        message, row, column = str(error), error.row, error.column
    elif isinstance(error, bounds.OverBudget):
        message, row, column = f"too large to analyse: no result within {bounds.TIME_BUDGET_SECONDS:g} s", 1, 1
    elif isinstance(error, RecursionError):
        message, row, column = "too large to analyse: nested too deeply for the analysis", 1, 1
    elif isinstance(error, MemoryError):
        message, row, column = "too large to analyse: out of memory", 1, 1
    else:
        raise error
    return Diagnostic(SYNTAX_ERROR, message, filename, Location(row, column), Location(row, column))


# Errors that are about this run (time, memory), not the file's content: not cached.
_TRANSIENT = (bounds.OverBudget, MemoryError)
_BAD_INPUT = (Unanalysable, bounds.TooLarge, bounds.OverBudget, RecursionError, MemoryError)


def _failed(filename: str, error: Exception) -> FileResult:
    diagnostic = _error(filename, error)
    return FileResult(filename, [diagnostic], diagnostic.message, cacheable=not isinstance(error, _TRANSIENT))


def _prepared(source: bytes, filename: str, settings: Settings, explicit: bool,
              ) -> tuple[list[type[Rule]], Source | FileResult | None]:
    """The rules that look at the file and its checked source; or a result for a file that cannot
    be analysed; or None for a file no rule looks at (CPython's verdict is still given for a
    file named on the command line)."""
    if len(source) > bounds.MAX_FILE_BYTES:  # before any pass over it, even the rules' triggers
        if not FRAMEWORK_TEXT.search(source):
            return [], None
        too_large = bounds.TooLarge(f"the file is {bounds.megabytes(len(source))} "
                                    f"(the limit is {bounds.megabytes(bounds.MAX_FILE_BYTES)})")
        return [], _failed(filename, too_large)
    rules = _wanted_rules(source, filename, settings)
    # ``--select LL000``: CPython's verdict on the files that name a framework, and nothing else.
    syntax_only = SYNTAX_ERROR in settings.codes and not settings.rules() and FRAMEWORK_TEXT.search(source)
    if not rules and not explicit and not syntax_only:
        return rules, None
    body = source[len(BOM):] if source.startswith(BOM) else source
    try:
        prepared = prepare(body, filename, nesting=bool(rules))
    except (Unanalysable, bounds.TooLarge) as error:
        return rules, _failed(filename, error)
    return rules, prepared if rules else None


def _located(reports: list[Report], module: cst.Module, source: bytes | None = None,
             ) -> list[tuple[Report, Location, Location]]:
    """Positions, computed only for files that have findings, and there only for the module-level
    statements that hold one (the provider generates the code of everything it is given)."""
    if not reports:
        return []
    by_statement = _statement_positions(reports, module, source)
    whole = None
    out = []
    for report in reports:
        positions, offset = by_statement.get(report.statement, (None, 0))
        if positions is None or report.node not in positions:
            if whole is None:
                whole = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
            positions, offset = whole, 0
        span = positions[report.node]
        start = Location(span.start.line + offset, span.start.column + 1)
        if report.anchor == "def" and isinstance(report.node, cst.FunctionDef):
            name = positions[report.node.name].start
            skip = len("def") + len(report.node.whitespace_after_def.value)
            if report.node.asynchronous is not None:
                skip += len("async") + len(report.node.asynchronous.whitespace_after.value)
            start = Location(name.line + offset, name.column + 1 - skip)
        out.append((report, start, Location(span.end.line + offset, span.end.column + 1)))
    return out


# Below this many module-level statements, positions for the whole module are cheap enough.
_POSITION_ONE_STATEMENT_AT = 40


def _statement_positions(reports: list[Report], module: cst.Module, source: bytes | None) -> dict:
    """For each module-level statement holding a finding: its positions as a module of its own,
    and the line offset that places them in the file (the statement's first line from ``ast``)."""
    wanted = {report.statement for report in reports} - {None}
    if source is None or not wanted or len(module.body) < _POSITION_ONE_STATEMENT_AT:
        return {}
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return {}
    starts: list[int] = []
    for node in tree.body:
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))])
        if not starts or starts[-1] != first:  # ``a = 1; b = 2`` is one statement line
            starts.append(first)
    if len(starts) != len(module.body):
        return {}
    out = {}
    for statement, first in zip(module.body, starts):
        if statement in wanted:
            alone = module.with_changes(body=[statement], header=[], footer=[])
            positions = MetadataWrapper(alone, unsafe_skip_copy=True).resolve(PositionProvider)
            out[statement] = (positions, first - 1 - len(statement.leading_lines))
    return out


def _diagnostics(located, module: cst.Module, filename: str, suppressions: Suppressions,
                 with_edits: bool, settings: Settings) -> list[Diagnostic]:
    out = []
    for report, start, end in located:
        if settings.respect_noqa and suppressions.is_suppressed(report.code, start.row):
            continue
        fix = None
        applicability = report.fix and settings.fix_applicability(report.code, report.fix.applicability)
        if applicability is not None:
            edits: tuple[Edit, ...] = ()
            if with_edits:
                single = len(report.fix.replacements) == 1 and report.fix.replacements[0][0] is report.node
                edits = ((Edit(module.code_for_node(report.fix.replacements[0][1]), start, end),)
                         if single and not report.fix.imports else _edits_by_diff(module, report))
            fix = FixSummary(applicability, report.fix.title, edits)
        out.append(Diagnostic(report.code, report.message, filename, start, end, fix,
                              noqa_row=suppressions.noqa_row(start.row)))
    return sorted(out, key=Diagnostic.sort_key)


def _unused_noqa(suppressions: Suppressions, filename: str, settings: Settings) -> list[Diagnostic]:
    """LL901: the codes of this tool in ``# noqa:`` comments that suppressed nothing. A code is
    judged only when every rule it names ran on this file (a code outside the selection may be
    used by a fuller run); a code that names no rule at all is unknown, and so unused."""
    if UNUSED_NOQA not in settings.codes or not settings.respect_noqa:
        return []
    rules = all_rules()

    def judged(code: str) -> bool:
        covered = [c for c in rules if c.startswith(code)]
        return not covered or all(c in settings.codes for c in covered)
    out = []
    for directive, codes in suppressions.unused(judged):
        if any(UNUSED_NOQA.startswith(c) for c in directive.codes):
            continue  # ``# noqa: ..., LL901`` asks not to judge this comment
        row = directive.row
        if suppressions.is_suppressed(UNUSED_NOQA, row):
            continue
        unknown = [c for c in codes if not any(r.startswith(c) for r in rules)]
        parts = [f"{label}: {', '.join(f'`{c}`' for c in group)}" for label, group in
                 (("unused", [c for c in codes if c not in unknown]), ("unknown", unknown)) if group]
        fix = None
        applicability = settings.fix_applicability(UNUSED_NOQA, Applicability.SAFE)
        if applicability is not None:
            start, end, content = without_codes(suppressions.lines[row - 1], directive, codes)
            title = ("Remove unused `noqa` directive" if len(codes) == len(directive.codes)
                     else f"Remove {', '.join(f'`{c}`' for c in codes)} from the `noqa` directive")
            fix = FixSummary(applicability, title, (Edit(content, Location(row, start + 1), Location(row, end + 1)),))
        out.append(Diagnostic(UNUSED_NOQA, f"unused `noqa` directive ({'; '.join(parts)})", filename,
                              Location(row, directive.start + 1), Location(row, directive.end + 1), fix,
                              noqa_row=row))
    return out


def _edits_by_diff(module: cst.Module, report: Report) -> tuple[Edit, ...]:
    """Line edits for a fix that also adds imports: the diff of the file with this fix alone."""
    before = module.code.splitlines(keepends=True)
    after = _apply(module, [report]).code.splitlines(keepends=True)
    edits = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            edits.append(Edit("".join(after[j1:j2]), Location(i1 + 1, 1), Location(i2 + 1, 1)))
    return tuple(edits)


def _text(body: bytes) -> str:
    return body.decode("utf-8", errors="replace")


def lint_source(source: bytes, filename: str, settings: Settings, with_edits: bool = False,
                explicit: bool = False) -> FileResult:
    """Findings for one file's content. Raises nothing for bad input: errors become LL000.
    ``explicit``: the file was named by the user, so CPython's verdict is given even when no rule
    looks at it."""
    rules, prepared = _prepared(source, filename, settings, explicit)
    if not isinstance(prepared, Source):
        return prepared or _noqa_only(source, filename, settings)
    try:
        return bounds.run_deep(_lint, prepared, filename, rules, settings, with_edits)
    except _BAD_INPUT as error:
        return _failed(filename, error)
    finally:
        forget_children()


def _noqa_only(source: bytes, filename: str, settings: Settings) -> FileResult:
    """A file no rule looks at: its noqa comments are the only findings it can have (every code
    in them is unused)."""
    result = FileResult(filename)
    body = source[len(BOM):] if source.startswith(BOM) else source
    if UNUSED_NOQA in settings.codes and b"noqa" in body.lower():
        result.diagnostics = _unused_noqa(Suppressions(_text(body)), filename, settings)
    return result


def _lint(source: Source, filename: str, rules: list[type[Rule]], settings: Settings, with_edits: bool) -> FileResult:
    result = FileResult(filename)
    # JSON/SARIF edits are computed from the module's code: they need the whole file.
    parsed = source.text if with_edits else _reduced(source.text, filename, rules, settings,
                                                      None if source.shifts else source.tree)
    try:
        bounds.check_size(len(parsed), bounds.MAX_PARSE_BYTES, "the code to parse")
        module = parse(parsed)
    except (Unanalysable, bounds.TooLarge) as error:
        return _failed(filename, error)
    text = source.text.decode(module.encoding, errors="replace")
    reports = analyze_module(module, text, rules, settings, filename, result)
    suppressions = Suppressions(text)
    diagnostics = _diagnostics(_located(reports, module, parsed), module, filename, suppressions, with_edits,
                               settings)
    diagnostics = sorted(diagnostics + _unused_noqa(suppressions, filename, settings), key=Diagnostic.sort_key)
    result.diagnostics = [_in_file(d, source) for d in diagnostics] if source.shifts else diagnostics
    return result


def _in_file(diagnostic: Diagnostic, source: Source) -> Diagnostic:
    """A diagnostic of ``source.text`` placed in the file (columns after a removed form feed)."""
    def place(location: Location) -> Location:
        return Location(location.row, source.column(location.row, location.column))
    fix = diagnostic.fix
    if fix is not None and fix.edits:
        # An edit spanning a line that lost a form feed would drop it: that fix has no edits.
        spans = any(row in source.shifts for edit in fix.edits
                    for row in range(edit.location.row + 1, edit.end_location.row + 1))
        edits = () if spans else tuple(replace(e, location=place(e.location), end_location=place(e.end_location))
                                       for e in fix.edits)
        fix = replace(fix, edits=edits)
    return replace(diagnostic, location=place(diagnostic.location), end_location=place(diagnostic.end_location),
                   fix=fix)


# -- fixing ----------------------------------------------------------------------------------------
class _Replace(cst.CSTTransformer):
    def __init__(self, replacements: dict[cst.CSTNode, cst.CSTNode]) -> None:
        self.replacements = replacements

    def on_leave(self, original_node, updated_node):
        return self.replacements.get(original_node, updated_node)


def _apply(module: cst.Module, reports: list[Report]) -> cst.Module:
    replacements = {old: new for report in reports for old, new in report.fix.replacements}
    fixed = module.visit(_Replace(replacements))
    imports = [needed for report in reports for needed in report.fix.imports]
    if imports:
        # libcst's codemod package costs ~0.15 s to import: only fixes that add an import pay it.
        from libcst.codemod import CodemodContext
        from libcst.codemod.visitors import AddImportsVisitor

        context = CodemodContext()
        for needed in imports:
            AddImportsVisitor.add_needed_import(context, needed.module, needed.obj, needed.asname)
        fixed = AddImportsVisitor(context).transform_module(fixed)
    return fixed


def _non_overlapping(located) -> list[Report]:
    chosen, taken = [], []
    for report, start, end in sorted(located, key=lambda item: (item[1].row, item[1].column)):
        span = ((start.row, start.column), (end.row, end.column))
        if any(span[0] < other[1] and other[0] < span[1] for other in taken):
            continue
        taken.append(span)
        chosen.append(report)
    return chosen


def fix_source(source: bytes, filename: str, settings: Settings, unsafe: bool = False,
               with_edits: bool = False, explicit: bool = False) -> FileResult:
    """Apply fixes until none is left (bounded), then lint the result. Keeps BOM, encoding, line
    endings and form feeds; a pass whose output does not compile is dropped, and a file libcst
    would not reproduce byte for byte is not fixed. Unused noqa codes (LL901) are removed last:
    comments do not change what the code means."""
    levels = {Applicability.SAFE, Applicability.UNSAFE} if unsafe else {Applicability.SAFE}
    rules, prepared = _prepared(source, filename, settings, explicit)
    if isinstance(prepared, FileResult):
        return prepared
    if prepared is None:
        body = source[len(BOM):] if source.startswith(BOM) else source
        return _without_unused_noqa(source, body, _noqa_only(source, filename, settings), Counter(), levels)
    try:
        return bounds.run_deep(_fix, source, prepared, filename, rules, settings, levels, with_edits, explicit)
    except _BAD_INPUT as error:
        return _failed(filename, error)
    finally:
        forget_children()


def _fix(source: bytes, prepared: Source, filename: str, rules: list[type[Rule]], settings: Settings,
         levels: set[Applicability], with_edits: bool, explicit: bool) -> FileResult:
    bom = BOM if source.startswith(BOM) else b""
    current = prepared.text
    applied: Counter[str] = Counter()
    unfixable: Diagnostic | None = None
    parsed_code: str | None = None  # libcst's rendering of the unfixed text
    try:
        module = parse(current)
    except Unanalysable as error:
        return _failed(filename, error)
    for _ in range(MAX_FIX_PASSES):
        bounds.check_time()
        text = current.decode(module.encoding, errors="replace")
        located = _fixable(module, current, text, rules, settings, filename, levels)
        if not located:
            break
        if parsed_code is None:
            parsed_code = module.code
            row = _first_difference(parsed_code, text)
            if row is not None:
                unfixable = _cannot_fix(filename, f"libcst does not reproduce line {row} exactly", row)
                break
        chosen = _non_overlapping(located)
        new_module = _apply(module, chosen)
        new_bytes = new_module.bytes
        if new_bytes == current:
            break
        try:
            quiet_compile(new_module.code, filename)
            module = cst.parse_module(new_bytes)  # the next pass analyses what will be written
        except (cst.ParserSyntaxError, SyntaxError, ValueError):
            break
        current = new_bytes
        applied.update(report.code for report in chosen)
        rules = _wanted_rules(current, filename, settings)
        if not rules:
            break
    else:  # every pass applied fixes: do they settle, or does a fix keep rewriting its own output?
        if _fixable(module, current, current.decode(module.encoding, errors="replace"), rules, settings, filename,
                    levels):
            unfixable = _cannot_fix(filename, f"the fixes do not settle in {MAX_FIX_PASSES} passes", 1)
            applied = Counter()
    fixed = prepared.body
    if applied:
        restored = restore(prepared, current, parsed_code or "")
        if restored is None:
            row = min(prepared.shifts)
            unfixable = _cannot_fix(filename, "a fix rewrites a line whose indentation holds a form feed", row)
            applied = Counter()
        else:
            fixed = restored
    result = _lint_again(bom + fixed, filename, settings, with_edits, explicit)
    if unfixable is not None:
        result.diagnostics = sorted([*result.diagnostics, unfixable], key=Diagnostic.sort_key)
        result.error = result.error or unfixable.message
    return _without_unused_noqa(source, fixed, result, applied, levels)


def _without_unused_noqa(source: bytes, body: bytes, result: FileResult, applied: Counter,
                         levels: set[Applicability]) -> FileResult:
    """The fix result with the unused noqa codes (LL901) of ``body`` removed, and its counts."""
    bom = BOM if source.startswith(BOM) else b""
    removals = [d for d in result.diagnostics
                if d.code == UNUSED_NOQA and d.fix is not None and d.fix.applicability in levels]
    try:
        if removals:
            body = apply_line_edits(body, [edit for d in removals for edit in d.fix.edits])
            applied[UNUSED_NOQA] += len(removals)
            result.diagnostics = [d for d in result.diagnostics if d not in removals]
    except UnicodeDecodeError:
        pass  # a file in another encoding keeps its comments
    result.fixes_applied = sum(applied.values())
    result.fixed_codes = dict(applied)
    if bom + body != source:
        result.fixed = bom + body
    return result


def _fixable(module: cst.Module, current: bytes, text: str, rules, settings: Settings, filename: str,
             levels: set[Applicability]) -> list:
    suppressions = Suppressions(text)
    return [(r, s, e) for r, s, e in _located(analyze_module(module, text, rules, settings, filename), module, current)
            if r.fix is not None and settings.fix_applicability(r.code, r.fix.applicability) in levels
            and not (settings.respect_noqa and suppressions.is_suppressed(r.code, s.row))]


def _lint_again(source: bytes, filename: str, settings: Settings, with_edits: bool, explicit: bool) -> FileResult:
    """lint_source, from inside the analysis thread."""
    rules, prepared = _prepared(source, filename, settings, explicit)
    if not isinstance(prepared, Source):
        return prepared or _noqa_only(source, filename, settings)
    return _lint(prepared, filename, rules, settings, with_edits)


def _first_difference(rendered: str, text: str) -> int | None:
    """The first line where libcst's rendering of a file differs from it (a final newline that
    libcst drops is put back when the file is written, so it does not count)."""
    if rendered == text or text.startswith(rendered) and text[len(rendered):] in ("\n", "\r", "\r\n"):
        return None
    for row, (a, b) in enumerate(zip(lines_of(rendered), lines_of(text)), 1):
        if a != b:
            return row
    return min(len(lines_of(rendered)), len(lines_of(text))) + 1


def _cannot_fix(filename: str, reason: str, row: int) -> Diagnostic:
    return Diagnostic(SYNTAX_ERROR, f"cannot fix: {reason}; the file is left as it was", filename,
                      Location(row, 1), Location(row, 1))


def apply_line_edits(source: bytes, edits) -> bytes:
    """``source`` with edits that each stay on one line (columns in characters), keeping the line
    endings; edits on the same line are applied right to left."""
    lines = physical_lines(source.decode("utf-8"))  # raises for other encodings: callers keep the file
    for edit in sorted(edits, key=lambda e: (e.location.row, e.location.column), reverse=True):
        line = lines[edit.location.row - 1]
        body = line.rstrip("\r\n")
        body = body[:edit.location.column - 1] + edit.content + body[edit.end_location.column - 1:]
        lines[edit.location.row - 1] = body + line[len(line.rstrip("\r\n")):]
    return "".join(lines).encode("utf-8")


# -- noqa comments for the findings of today -------------------------------------------------------
def add_noqa(source: bytes, filename: str, settings: Settings) -> FileResult:
    """``--add-noqa``: a ``# noqa: CODE`` on the ``noqa_row`` of every finding, merged into a noqa
    comment already there. An unused noqa code (LL901) is removed instead: a suppression of
    nothing needs no suppression of its own."""
    result = lint_source(source, filename, settings)
    if result.error is not None:
        return result
    bom = BOM if source.startswith(BOM) else b""
    body = source[len(bom):]
    wanted: dict[int, list[str]] = {}
    removals = []
    for d in result.diagnostics:
        if d.code == UNUSED_NOQA and d.fix is not None:
            removals.extend(d.fix.edits)
        elif d.code != SYNTAX_ERROR:
            codes = wanted.setdefault(d.noqa_row or d.location.row, [])
            if d.code not in codes:
                codes.append(d.code)
    if not wanted and not removals:
        return result
    try:
        body = apply_line_edits(body, removals)
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return result  # columns of another encoding: the file is left as it is
    suppressions = Suppressions(text)
    lines = physical_lines(text)
    for row, codes in wanted.items():
        line = lines[row - 1]
        ending = line[len(line.rstrip("\r\n")):]
        lines[row - 1] = suppressions.with_codes(row, sorted(codes)) + ending
    result.fixed = bom + "".join(lines).encode("utf-8")
    result.noqa_added = len(wanted)
    result.fixes_applied = len(removals)
    return result
