"""``losslint lsp``: the Language Server Protocol over stdio, built on pygls.

Diagnostics come from the same engine and ``[tool.losslint]`` configuration as the command line,
on open and save at once and on change after a short pause. Code actions: one quick fix per
fixable finding (unsafe fixes say so in their title), "fix all safe problems" as a source action,
and "suppress with ``# noqa: CODE``". Hovering a finding shows its rule's summary, why it is a bug,
and a link to the rule's page.
"""

from __future__ import annotations

import asyncio
import difflib
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from losslint import __version__
from losslint.config import ConfigError, nearest
from losslint.diagnostics import Applicability, Diagnostic, Location
from losslint.engine import SYNTAX_ERROR, fix_source
from losslint.rulespec import docs_url, load_specs
from losslint.runner import Job, run_source

# Typing pauses shorter than this do not start an analysis.
DEBOUNCE_SECONDS = 0.3
SOURCE = "losslint"
FIX_ALL_KIND = "source.fixAll.losslint"
_NOQA = re.compile(r"#\s*noqa:\s*(?P<codes>[A-Z]+[0-9]*(?:\s*,\s*[A-Z]+[0-9]*)*)", re.IGNORECASE)


class LosslintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("losslint", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
        self.pending: dict[str, asyncio.Task] = {}
        # The latest findings per document, with the version they were computed for.
        self.findings: dict[str, tuple[int | None, list[Diagnostic]]] = {}
        # One analysis at a time, off the event loop, so messages keep flowing while it runs.
        self.analyzer = ThreadPoolExecutor(max_workers=1)

    # -- analysis --------------------------------------------------------------------------------
    def job_for(self, document: TextDocument, mode: str = "lint") -> Job | None:
        """The CLI's job for this document, or None when it is not Python or is excluded."""
        path = Path(document.path)
        if path.suffix not in (".py", ".pyi") and document.language_id != "python":
            return None
        try:
            config = nearest(path.resolve().parent)
            if config.is_excluded(path):
                return None
            return Job(str(path), str(path), config.settings_for(path), mode, with_edits=True)
        except ConfigError as error:  # a bad pyproject.toml: say so, as the command line does
            self.window_show_message(lsp.ShowMessageParams(lsp.MessageType.Error, f"losslint: {error}"))
            return None

    def analyze(self, uri: str, source: str, version: int | None) -> list[Diagnostic]:
        job = self.job_for(self.workspace.get_text_document(uri))
        found = [] if job is None else run_source(source.encode("utf-8"), job).diagnostics
        self.findings[uri] = (version, found)
        return found

    def current_findings(self, uri: str) -> list[Diagnostic]:
        document = self.workspace.get_text_document(uri)
        version, found = self.findings.get(uri, (None, None))
        if found is None or version != document.version:
            found = self.analyze(uri, document.source, document.version)
        return found

    async def publish(self, uri: str, delay: float = 0.0) -> None:
        if delay:
            await asyncio.sleep(delay)
        document = self.workspace.get_text_document(uri)
        source, version = document.source, document.version
        found = await asyncio.get_running_loop().run_in_executor(self.analyzer, self.analyze, uri, source, version)
        if self.workspace.get_text_document(uri).version != version:
            return  # edited meanwhile: a newer analysis is on its way
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
            uri=uri, version=version, diagnostics=[to_lsp(d, document) for d in found]))

    def schedule(self, uri: str, delay: float) -> None:
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.pending[uri] = asyncio.ensure_future(self.publish(uri, delay))


server = LosslintServer()


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: LosslintServer, params: lsp.DidOpenTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, 0.0)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: LosslintServer, params: lsp.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, DEBOUNCE_SECONDS)


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: LosslintServer, params: lsp.DidSaveTextDocumentParams) -> None:
    if params.text_document.uri.endswith("pyproject.toml"):
        reload_configuration(ls)
    else:
        ls.schedule(params.text_document.uri, 0.0)


@server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(ls: LosslintServer, params: lsp.DidChangeWatchedFilesParams) -> None:
    if any(change.uri.endswith("pyproject.toml") for change in params.changes):
        reload_configuration(ls)


def reload_configuration(ls: LosslintServer) -> None:
    nearest.cache_clear()
    ls.findings.clear()
    for uri in list(ls.workspace.text_documents):
        ls.schedule(uri, 0.0)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: LosslintServer, params: lsp.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    task = ls.pending.pop(uri, None)
    if task is not None:
        task.cancel()
    ls.findings.pop(uri, None)
    ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(
    code_action_kinds=[lsp.CodeActionKind.QuickFix, lsp.CodeActionKind.SourceFixAll, FIX_ALL_KIND],
    resolve_provider=True))
def code_action(ls: LosslintServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    uri = params.text_document.uri
    document = ls.workspace.get_text_document(uri)
    found = ls.current_findings(uri)
    only = params.context.only
    actions = []
    if not only or any(kind.startswith("quickfix") for kind in only):
        for d in found:
            if d.code != SYNTAX_ERROR and _overlaps(to_range(d.location, d.end_location, document), params.range):
                actions += quick_fixes(d, document)
    if not only or any(FIX_ALL_KIND.startswith(kind) for kind in only):
        safe = sum(d.fix is not None and d.fix.applicability is Applicability.SAFE for d in found)
        if safe:
            # Editors ask for code actions at every cursor move; a client that can resolve one
            # later gets the fix-all edit only when the action is chosen.
            action = lsp.CodeAction(title=f"Fix all safe problems ({safe})", kind=FIX_ALL_KIND,
                                    data={"uri": uri})
            later = _resolves_edits(ls)
            action.edit = None if later else fix_all_edit(ls, document)
            if later or action.edit is not None:
                actions.append(action)
    return actions


@server.feature(lsp.CODE_ACTION_RESOLVE)
def resolve_code_action(ls: LosslintServer, action: lsp.CodeAction) -> lsp.CodeAction:
    if action.kind == FIX_ALL_KIND and isinstance(action.data, dict) and "uri" in action.data:
        action.edit = fix_all_edit(ls, ls.workspace.get_text_document(action.data["uri"]))
    return action


def _resolves_edits(ls: LosslintServer) -> bool:
    capabilities = ls.client_capabilities.text_document
    code_action = capabilities.code_action if capabilities else None
    support = code_action.resolve_support if code_action else None
    return support is not None and "edit" in support.properties


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
def hover(ls: LosslintServer, params: lsp.HoverParams) -> lsp.Hover | None:
    document = ls.workspace.get_text_document(params.text_document.uri)
    here = lsp.Range(params.position, params.position)
    parts = []
    for d in ls.current_findings(params.text_document.uri):
        span = to_range(d.location, d.end_location, document)
        if d.code != SYNTAX_ERROR and _overlaps(span, here):
            parts.append(rule_markdown(d))
    if not parts:
        return None
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)))


# -- conversions -----------------------------------------------------------------------------------
def _utf16_column(line: str, column: int) -> int:
    """LSP counts columns in UTF-16 code units; the engine counts characters (1-based)."""
    prefix = line[:column - 1]
    return len(prefix.encode("utf-16-le")) // 2


def to_position(location: Location, document: TextDocument) -> lsp.Position:
    lines = document.lines
    row = location.row - 1
    line = lines[row] if 0 <= row < len(lines) else ""
    return lsp.Position(line=max(row, 0), character=_utf16_column(line, location.column))


def to_range(start: Location, end: Location, document: TextDocument) -> lsp.Range:
    return lsp.Range(to_position(start, document), to_position(end, document))


def to_lsp(d: Diagnostic, document: TextDocument) -> lsp.Diagnostic:
    is_rule = d.code != SYNTAX_ERROR
    return lsp.Diagnostic(
        range=to_range(d.location, d.end_location, document), message=d.message, source=SOURCE, code=d.code,
        severity=lsp.DiagnosticSeverity.Warning if is_rule else lsp.DiagnosticSeverity.Error,
        code_description=lsp.CodeDescription(href=docs_url(d.code)) if is_rule else None,
        data={"fix": d.fix.applicability.value if d.fix else None})


def _overlaps(a: lsp.Range, b: lsp.Range) -> bool:
    def key(p):
        return (p.line, p.character)
    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


def quick_fixes(d: Diagnostic, document: TextDocument) -> list[lsp.CodeAction]:
    diagnostic = to_lsp(d, document)
    actions = []
    if d.fix is not None and d.fix.edits:
        unsafe = d.fix.applicability is Applicability.UNSAFE
        title = f"{d.fix.message} ({d.code})" + (" [unsafe: changes values]" if unsafe else "")
        edits = [lsp.TextEdit(to_range(e.location, e.end_location, document), e.content) for e in d.fix.edits]
        actions.append(lsp.CodeAction(title=title, kind=lsp.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                                      is_preferred=not unsafe,
                                      edit=lsp.WorkspaceEdit(changes={document.uri: edits})))
    noqa = noqa_edit(d, document)
    if noqa is not None:
        actions.append(lsp.CodeAction(title=f"Suppress {d.code} with `# noqa: {d.code}`",
                                      kind=lsp.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                                      edit=lsp.WorkspaceEdit(changes={document.uri: [noqa]})))
    return actions


def noqa_edit(d: Diagnostic, document: TextDocument) -> lsp.TextEdit | None:
    """Add ``CODE`` to the ``# noqa:`` of the finding's line, or append one. Not offered on a line
    that continues with a backslash (a comment there would break it)."""
    lines = document.lines
    row = d.location.row - 1
    if not 0 <= row < len(lines):
        return None
    line = lines[row].rstrip("\r\n")
    if line.endswith("\\"):
        return None
    existing = _NOQA.search(line)
    if existing is not None:
        codes = existing.group("codes")
        start = lsp.Position(row, _utf16_column(line, existing.end("codes") + 1))
        return lsp.TextEdit(lsp.Range(start, start), f", {d.code}") if codes else None
    end = lsp.Position(row, _utf16_column(line, len(line) + 1))
    return lsp.TextEdit(lsp.Range(end, end), f"  # noqa: {d.code}")


def fix_all_edit(ls: LosslintServer, document: TextDocument) -> lsp.WorkspaceEdit | None:
    """What ``losslint --fix`` would do to the document, as line edits."""
    job = ls.job_for(document, mode="diff")
    if job is None:
        return None
    try:
        result = fix_source(document.source.encode("utf-8"), job.display, job.settings, unsafe=False)
    except Exception:  # an internal error: the findings still show, only the edit is missing
        return None
    if result.fixed is None:
        return None
    return lsp.WorkspaceEdit(changes={document.uri: line_edits(document.source, result.fixed.decode("utf-8"))})


def line_edits(before: str, after: str) -> list[lsp.TextEdit]:
    """The smallest whole-line edits that turn ``before`` into ``after``."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    edits = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            edits.append(lsp.TextEdit(lsp.Range(lsp.Position(i1, 0), lsp.Position(i2, 0)), "".join(new[j1:j2])))
    return edits


def rule_markdown(d: Diagnostic) -> str:
    spec = load_specs().get(d.code)
    if spec is None:
        return f"**{d.code}** {d.message}"
    why = spec.why.split("\n\n")[0].replace("\n", " ")
    fix = d.fix.applicability.value if d.fix else "none"
    return (f"**{d.code} {spec.name}**: {spec.summary}\n\n{why}\n\n"
            f"Fix: {fix}. [Rule documentation]({docs_url(d.code)})")


def main() -> None:
    server.start_io()
