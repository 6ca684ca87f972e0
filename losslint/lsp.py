"""``losslint lsp``: the Language Server Protocol over stdio, built on pygls.

Diagnostics come from the same engine and configuration as the command line, on open and save at
once and on change after a short pause, for Python files and for notebook documents (a notebook's
code cells are analyzed together, as ``losslint notebook.ipynb`` does, and each cell gets its own
diagnostics). Code actions: one quick fix per fixable finding (unsafe fixes say so in their
title), "fix all" as a source action, and "suppress with ``# noqa: CODE``". Hovering a finding
shows its rule's summary, why it is a bug, and a link to the rule's page.

Settings (``initializationOptions``, ``workspace/didChangeConfiguration`` or the client's
``losslint`` configuration section): ``configuration`` (a config file in place of the nearest one),
``lint.select``, ``lint.ignore``, ``fixAll`` (offer the fix-all action; default true) and
``unsafeFixes`` (fix all applies unsafe fixes too; default false).
"""

from __future__ import annotations

import asyncio
import difflib
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from losslint import __version__
from losslint.cache import Cache, cache_folder, identity, key as cache_key
from losslint.config import Config, ConfigError, forget_configurations, load, nearest, validate_selectors
from losslint.diagnostics import Applicability, Diagnostic, Location
from losslint.engine import SYNTAX_ERROR
from losslint.notebook import Notebook
from losslint.rulespec import docs_url, load_specs
from losslint.runner import Job, run_source
from losslint.suppression import Suppressions

# Typing pauses shorter than this do not start an analysis.
DEBOUNCE_SECONDS = 0.3
SOURCE = "losslint"
FIX_ALL_KIND = "source.fixAll.losslint"
NOTEBOOK_SYNC = lsp.NotebookDocumentSyncOptions(notebook_selector=[lsp.NotebookDocumentFilterWithCells(
    notebook="jupyter-notebook", cells=[lsp.NotebookCellLanguage(language="python")])])


# The settings a client may send, as docs/editors.md lists them.
SETTING_NAMES = ("configuration", "lint.select", "lint.ignore", "fixAll", "unsafeFixes")


@dataclass(frozen=True)
class ServerSettings:
    configuration: str | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    fix_all: bool = True
    unsafe_fixes: bool = False


def read_settings(raw) -> ServerSettings:
    """The client's settings: nested (``{"lint": {"select": [...]}}``) or dotted (``"lint.select"``),
    bare or under a ``settings`` or ``losslint`` key."""
    if not isinstance(raw, dict):
        return ServerSettings()
    for key in ("settings", "losslint"):
        if isinstance(raw.get(key), dict):
            raw = raw[key]
    lint = raw.get("lint") if isinstance(raw.get("lint"), dict) else {}

    def value(name: str):
        return lint.get(name, raw.get(f"lint.{name}"))

    def codes(name: str, where: str):
        found = value(name)
        if found is None:
            return None
        if not isinstance(found, list) or not all(isinstance(c, str) for c in found):
            raise ConfigError(f"settings: `{where}` must be a list of codes")
        return validate_selectors(found, f"settings: {where}")
    configuration = raw.get("configuration")
    return ServerSettings(configuration=configuration if isinstance(configuration, str) and configuration else None,
                          select=codes("select", "lint.select"), ignore=codes("ignore", "lint.ignore") or (),
                          fix_all=raw.get("fixAll", True) is not False, unsafe_fixes=raw.get("unsafeFixes") is True)


class LosslintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("losslint", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
                         notebook_document_sync=NOTEBOOK_SYNC)
        self.pending: dict[str, asyncio.Task] = {}
        # The latest findings per document (a notebook: per notebook), with the version they were for.
        self.findings: dict[str, tuple[int | None, list[Diagnostic]]] = {}
        # One analysis at a time, off the event loop, so messages keep flowing while it runs.
        self.analyzer = ThreadPoolExecutor(max_workers=1)
        self.settings = ServerSettings()

    # -- settings --------------------------------------------------------------------------------
    def apply_settings(self, raw) -> None:
        try:
            self.settings = read_settings(raw)
        except ConfigError as error:
            self.window_show_message(lsp.ShowMessageParams(lsp.MessageType.Error, f"losslint: {error}"))
            return
        reload_configuration(self)

    def config_for(self, path: Path) -> Config:
        settings = self.settings
        if settings.configuration:
            configured = Path(settings.configuration).expanduser()
            if not configured.is_absolute() and self.workspace.root_path:
                configured = Path(self.workspace.root_path) / configured
            base = load(configured)
        else:
            base = nearest(path.resolve().parent)
        return base.with_overrides(select=settings.select, ignore=settings.ignore)

    # -- what a document is ----------------------------------------------------------------------
    def notebook_of(self, uri: str):
        """The notebook document ``uri`` is, or holds as a cell; None for a text document."""
        return (self.workspace.get_notebook_document(notebook_uri=uri)
                or self.workspace.get_notebook_document(cell_uri=uri))

    def job_for(self, path: Path, language_id: str | None, mode: str = "lint", unsafe: bool = False) -> Job | None:
        """The CLI's job for this document, or None when it is not Python or is excluded."""
        if path.suffix not in (".py", ".pyi", ".ipynb") and language_id != "python":
            return None
        try:
            config = self.config_for(path)
            if config.is_excluded(path):
                return None
            return Job(str(path), str(path), config.settings_for(path), mode, unsafe, with_edits=True)
        except ConfigError as error:  # a bad configuration: say so, as the command line does
            self.window_show_message(lsp.ShowMessageParams(lsp.MessageType.Error, f"losslint: {error}"))
            return None

    def notebook_json(self, notebook) -> bytes:
        """The notebook document as notebook JSON: its cells, in order, so cell N is cell N."""
        cells = []
        for cell in notebook.cells:
            text = self.workspace.get_text_document(cell.document)
            code = cell.kind == lsp.NotebookCellKind.Code and text.language_id in (None, "python")
            cells.append({"cell_type": "code" if code else "markdown", "metadata": {}, "source": text.source,
                          **({"outputs": [], "execution_count": None} if code else {})})
        return json.dumps({"cells": cells, "metadata": {"language_info": {"name": "python"}},
                           "nbformat": 4, "nbformat_minor": 5}).encode("utf-8")

    def snapshot(self, uri: str) -> tuple[str, int | None, bytes, Job | None]:
        """(key, version, content, job) of the document ``uri`` belongs to."""
        notebook = self.notebook_of(uri)
        if notebook is not None:
            path = Path(to_fs_path(notebook.uri) or notebook.uri)
            return notebook.uri, notebook.version, self.notebook_json(notebook), self.job_for(
                path.with_suffix(".ipynb") if path.suffix != ".ipynb" else path, "python")
        document = self.workspace.get_text_document(uri)
        return uri, document.version, document.source.encode("utf-8"), self.job_for(
            Path(document.path), document.language_id)

    # -- analysis --------------------------------------------------------------------------------
    def cache(self) -> Cache:
        """The command line's cache (the workspace's ``.losslint_cache/``, or ``$LOSSLINT_CACHE_DIR``)."""
        return Cache(cache_folder(Path(self.workspace.root_path or Path.cwd())))

    def analyze(self, key: str, content: bytes, version: int | None, job: Job | None) -> list[Diagnostic]:
        found = [] if job is None else self.lint(content, job)
        self.findings[key] = (version, found)
        return found

    def lint(self, content: bytes, job: Job) -> list[Diagnostic]:
        """The findings of ``content``, from the shared cache where the command line (or an earlier
        session) analysed the same content; stored there when the buffer is what the file holds,
        so that unsaved edits leave no entries behind."""
        real_path = identity(job.path)
        cache, entry = self.cache(), cache_key(content, real_path, job.settings, job.with_edits)
        hit = cache.get(entry, job.display, real_path)
        if hit is not None:
            return hit.diagnostics
        result = run_source(content, job)
        try:
            saved = Path(job.path).read_bytes() == content
        except OSError:
            saved = False
        if saved:
            cache.put(entry, result, real_path)
        return result.diagnostics

    def current_findings(self, uri: str) -> tuple[str, list[Diagnostic]]:
        key, version, content, job = self.snapshot(uri)
        cached_version, found = self.findings.get(key, (None, None))
        if found is None or cached_version != version:
            found = self.analyze(key, content, version, job)
        return key, found

    def documents_of(self, key: str) -> list[tuple[str, int | None]]:
        """(uri, cell number or None) of each text document ``key`` is shown in."""
        notebook = self.workspace.get_notebook_document(notebook_uri=key)
        if notebook is None:
            return [(key, None)]
        return [(cell.document, n) for n, cell in enumerate(notebook.cells, start=1)]

    async def publish(self, uri: str, delay: float = 0.0) -> None:
        if delay:
            await asyncio.sleep(delay)
        key, version, content, job = self.snapshot(uri)
        found = await asyncio.get_running_loop().run_in_executor(self.analyzer, self.analyze, key, content,
                                                                 version, job)
        if self.snapshot(uri)[1] != version:
            return  # edited meanwhile: a newer analysis is on its way
        for document_uri, cell in self.documents_of(key):
            document = self.workspace.get_text_document(document_uri)
            shown = [d for d in found if d.cell == cell]
            self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
                uri=document_uri, version=document.version if cell is not None else version,
                diagnostics=[to_lsp(d, document) for d in shown]))

    def schedule(self, uri: str, delay: float) -> None:
        notebook = self.notebook_of(uri)
        key = notebook.uri if notebook is not None else uri
        previous = self.pending.pop(key, None)
        if previous is not None:
            previous.cancel()
        self.pending[key] = asyncio.ensure_future(self.publish(uri, delay))


server = LosslintServer()


@server.feature(lsp.INITIALIZE)
def initialize(ls: LosslintServer, params: lsp.InitializeParams) -> None:
    if params.initialization_options:
        try:
            ls.settings = read_settings(params.initialization_options)
        except ConfigError as error:
            ls.window_show_message(lsp.ShowMessageParams(lsp.MessageType.Error, f"losslint: {error}"))


@server.feature(lsp.INITIALIZED)
async def initialized(ls: LosslintServer, params: lsp.InitializedParams) -> None:
    await pull_settings(ls)


async def pull_settings(ls: LosslintServer) -> None:
    """Ask a client that has a configuration section for ``losslint``'s."""
    workspace = ls.client_capabilities.workspace
    if not (workspace and workspace.configuration):
        return
    try:
        answer = await ls.workspace_configuration_async(lsp.ConfigurationParams(
            items=[lsp.ConfigurationItem(section="losslint")]))
    except Exception:  # a client that cannot answer keeps the settings it gave at start
        return
    if answer and isinstance(answer[0], dict):
        ls.apply_settings(answer[0])


@server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(ls: LosslintServer, params: lsp.DidChangeConfigurationParams) -> None:
    if isinstance(params.settings, dict) and params.settings:
        ls.apply_settings(params.settings)
    else:  # a change without the values: ask for them
        await pull_settings(ls)


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: LosslintServer, params: lsp.DidOpenTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, 0.0)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: LosslintServer, params: lsp.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, DEBOUNCE_SECONDS)


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: LosslintServer, params: lsp.DidSaveTextDocumentParams) -> None:
    if params.text_document.uri.endswith(".toml"):
        reload_configuration(ls)
    else:
        ls.schedule(params.text_document.uri, 0.0)


@server.feature(lsp.NOTEBOOK_DOCUMENT_DID_OPEN)
def did_open_notebook(ls: LosslintServer, params: lsp.DidOpenNotebookDocumentParams) -> None:
    ls.schedule(params.notebook_document.uri, 0.0)


@server.feature(lsp.NOTEBOOK_DOCUMENT_DID_CHANGE)
def did_change_notebook(ls: LosslintServer, params: lsp.DidChangeNotebookDocumentParams) -> None:
    ls.schedule(params.notebook_document.uri, DEBOUNCE_SECONDS)


@server.feature(lsp.NOTEBOOK_DOCUMENT_DID_SAVE)
def did_save_notebook(ls: LosslintServer, params: lsp.DidSaveNotebookDocumentParams) -> None:
    ls.schedule(params.notebook_document.uri, 0.0)


@server.feature(lsp.NOTEBOOK_DOCUMENT_DID_CLOSE)
def did_close_notebook(ls: LosslintServer, params: lsp.DidCloseNotebookDocumentParams) -> None:
    uri = params.notebook_document.uri
    task = ls.pending.pop(uri, None)
    if task is not None:
        task.cancel()
    ls.findings.pop(uri, None)
    for cell in params.cell_text_documents:
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=cell.uri, diagnostics=[]))


@server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(ls: LosslintServer, params: lsp.DidChangeWatchedFilesParams) -> None:
    if any(change.uri.endswith(".toml") for change in params.changes):
        reload_configuration(ls)


def reload_configuration(ls: LosslintServer) -> None:
    """A configuration file changed (pyproject.toml, losslint.toml, a file one of them extends):
    read the configuration again and analyze every open document."""
    forget_configurations()
    ls.findings.clear()
    cells = {cell.document for notebook in ls.workspace.notebook_documents.values() for cell in notebook.cells}
    for uri in [*ls.workspace.notebook_documents, *(u for u in ls.workspace.text_documents if u not in cells)]:
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
    key, found = ls.current_findings(uri)
    cells = dict((n, u) for u, n in ls.documents_of(key) if n is not None)
    cell = next((n for n, u in cells.items() if u == uri), None)
    here = [d for d in found if d.cell == cell]
    only = params.context.only
    actions = []
    if not only or any(kind.startswith("quickfix") for kind in only):
        for d in here:
            if d.code != SYNTAX_ERROR and _overlaps(to_range(d.location, d.end_location, document), params.range):
                actions += quick_fixes(ls, d, document, cells)
    if ls.settings.fix_all and (not only or any(FIX_ALL_KIND.startswith(kind) for kind in only)):
        unsafe = ls.settings.unsafe_fixes
        fixable = sum(d.fix is not None and (unsafe or d.fix.applicability is Applicability.SAFE) for d in found)
        if fixable:
            # Editors ask for code actions at every cursor move; a client that can resolve one
            # later gets the fix-all edit only when the action is chosen.
            title = f"Fix all problems ({fixable})" if unsafe else f"Fix all safe problems ({fixable})"
            action = lsp.CodeAction(title=title, kind=FIX_ALL_KIND, data={"uri": uri})
            later = _resolves_edits(ls)
            action.edit = None if later else fix_all_edit(ls, uri)
            if later or action.edit is not None:
                actions.append(action)
    return actions


@server.feature(lsp.CODE_ACTION_RESOLVE)
def resolve_code_action(ls: LosslintServer, action: lsp.CodeAction) -> lsp.CodeAction:
    if action.kind == FIX_ALL_KIND and isinstance(action.data, dict) and "uri" in action.data:
        action.edit = fix_all_edit(ls, action.data["uri"])
    return action


def _resolves_edits(ls: LosslintServer) -> bool:
    capabilities = ls.client_capabilities.text_document
    code_action = capabilities.code_action if capabilities else None
    support = code_action.resolve_support if code_action else None
    return support is not None and "edit" in support.properties


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
def hover(ls: LosslintServer, params: lsp.HoverParams) -> lsp.Hover | None:
    uri = params.text_document.uri
    document = ls.workspace.get_text_document(uri)
    key, found = ls.current_findings(uri)
    cell = next((n for u, n in ls.documents_of(key) if u == uri), None)
    here = lsp.Range(params.position, params.position)
    parts = []
    for d in found:
        span = to_range(d.location, d.end_location, document)
        if d.code != SYNTAX_ERROR and d.cell == cell and _overlaps(span, here):
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
        code_description=lsp.CodeDescription(href=docs_url(d.code)),
        data={"fix": d.fix.applicability.value if d.fix else None})


def _overlaps(a: lsp.Range, b: lsp.Range) -> bool:
    def key(p):
        return (p.line, p.character)
    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


def quick_fixes(ls: LosslintServer, d: Diagnostic, document: TextDocument,
                cells: dict[int, str]) -> list[lsp.CodeAction]:
    """The finding's fix (its edits go to the cells they name, in a notebook) and a noqa action."""
    diagnostic = to_lsp(d, document)
    actions = []
    if d.fix is not None and d.fix.edits:
        unsafe = d.fix.applicability is Applicability.UNSAFE
        title = f"{d.fix.message} ({d.code})" + (" [unsafe: changes values]" if unsafe else "")
        changes: dict[str, list[lsp.TextEdit]] = {}
        for e in d.fix.edits:
            target = cells.get(e.cell, document.uri) if e.cell is not None else document.uri
            target_document = ls.workspace.get_text_document(target)
            changes.setdefault(target, []).append(
                lsp.TextEdit(to_range(e.location, e.end_location, target_document), e.content))
        actions.append(lsp.CodeAction(title=title, kind=lsp.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                                      is_preferred=not unsafe, edit=lsp.WorkspaceEdit(changes=changes)))
    noqa = noqa_edit(d, document)
    if noqa is not None:
        actions.append(lsp.CodeAction(title=f"Suppress {d.code} with `# noqa: {d.code}`",
                                      kind=lsp.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                                      edit=lsp.WorkspaceEdit(changes={document.uri: [noqa]})))
    return actions


def noqa_edit(d: Diagnostic, document: TextDocument) -> lsp.TextEdit | None:
    """The line of the finding's ``noqa_row`` with the code added, as ``--add-noqa`` writes it."""
    row = d.noqa_row or d.location.row
    if d.code == "LL901" or not 1 <= row <= len(document.lines):
        return None
    suppressions = Suppressions(document.source)
    line = suppressions.lines[row - 1]
    new = suppressions.with_codes(row, [d.code])
    if new == line:
        return None
    return lsp.TextEdit(lsp.Range(lsp.Position(row - 1, 0), lsp.Position(row - 1, _utf16_column(line, len(line) + 1))),
                        new)


def fix_all_edit(ls: LosslintServer, uri: str) -> lsp.WorkspaceEdit | None:
    """What ``losslint --fix`` (with ``unsafeFixes``, ``--unsafe-fixes``) would do, as line edits,
    in a notebook per changed cell."""
    key, _, content, job = ls.snapshot(uri)
    if job is None:
        return None
    job = Job(job.path, job.display, job.settings, "diff", ls.settings.unsafe_fixes)
    try:
        result = run_source(content, job)
    except Exception:  # an internal error: the findings still show, only the edit is missing
        return None
    if result.fixed is None:
        return None
    documents = ls.documents_of(key)
    if documents[0][1] is None:
        return lsp.WorkspaceEdit(changes={key: line_edits(content.decode("utf-8"), result.fixed.decode("utf-8"))})
    before, after = Notebook(content), Notebook(result.fixed)
    changes = {}
    for old, new in zip(before.cells, after.cells):
        if old.source != new.source:
            changes[documents[old.index][0]] = line_edits(old.source, new.source)
    return lsp.WorkspaceEdit(changes=changes) if changes else None


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
