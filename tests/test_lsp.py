"""The language server, driven over stdio by a real LSP client session, as an editor drives it."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pytest

from tests.lsp_client import LspClient, apply_edits

pytest.importorskip("pygls")

SOURCE = (
    "import torch\n"
    "\n"
    "\n"
    "def loss_fn(pred, target):\n"
    "    a = torch.log(1 + pred).mean()\n"
    "    b = -(target * torch.log(pred)).mean()\n"
    "    return a + b\n"
)


def _start(folder: Path, resolves_edits: bool = False) -> LspClient:
    session = LspClient([sys.executable, "-m", "losslint", "lsp"], cwd=folder)
    code_action = {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "source", "source.fixAll"]}}}
    if resolves_edits:
        code_action["resolveSupport"] = {"properties": ["edit"]}
    result = session.request("initialize", {
        "processId": os.getpid(), "rootUri": folder.as_uri(),
        "capabilities": {"textDocument": {
            "publishDiagnostics": {"versionSupport": True}, "codeAction": code_action,
            "hover": {"contentFormat": ["markdown", "plaintext"]}}}})
    session.capabilities = result["capabilities"]
    session.notify("initialized", {})
    return session


@pytest.fixture
def client(tmp_path):
    session = _start(tmp_path)
    yield session
    assert session.close() == 0
    transcript = os.environ.get("LOSSLINT_LSP_TRANSCRIPT")
    if transcript:  # for reading what the editor and the server said to each other
        with open(transcript, "a", encoding="utf-8") as handle:
            for side, message in session.transcript:
                handle.write(f"{side}: {json.dumps(message)}\n")


def _open(client, path: Path, text: str, version: int = 1) -> str:
    path.write_text(text)
    uri = path.as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "python", "version": version, "text": text}})
    return uri


def _change(client, uri: str, text: str, version: int) -> None:
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                             "contentChanges": [{"text": text}]})


def _actions(client, uri: str, diagnostic: dict | None = None, only: list[str] | None = None) -> list[dict]:
    line = {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}
    context = {"diagnostics": [diagnostic] if diagnostic else []}
    if only:
        context["only"] = only
    return client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": diagnostic["range"] if diagnostic else line, "context": context})


def _by_code(diagnostics: list[dict]) -> dict[str, dict]:
    return {d["code"]: d for d in diagnostics}


def test_session_diagnostics_quick_fixes_hover_and_noqa(client, tmp_path):
    capabilities = client.capabilities
    assert capabilities["hoverProvider"] and capabilities["codeActionProvider"]
    assert "source.fixAll.losslint" in capabilities["codeActionProvider"]["codeActionKinds"]

    uri = _open(client, tmp_path / "loss.py", SOURCE)
    found = _by_code(client.diagnostics(uri, version=1))
    assert set(found) == {"LL211", "LL201"}
    log1p = found["LL211"]
    assert log1p["range"] == {"start": {"line": 4, "character": 8}, "end": {"line": 4, "character": 27}}
    assert log1p["source"] == "losslint" and log1p["severity"] == 2
    assert log1p["codeDescription"]["href"].endswith("/rules/LL211/")

    # A safe quick fix, preferred, a noqa action for the same finding, and "fix all".
    actions = _actions(client, uri, log1p)
    titles = [a["title"] for a in actions]
    assert titles == ["Use `log1p` (LL211)", "Suppress LL211 with `# noqa: LL211`", "Fix all safe problems (1)"]
    assert actions[0]["kind"] == "quickfix" and actions[0]["isPreferred"] is True
    text = apply_edits(SOURCE, actions[0]["edit"]["changes"][uri])
    assert "    a = torch.log1p(pred).mean()\n" in text
    _change(client, uri, text, 2)
    found = _by_code(client.diagnostics(uri, version=2))
    assert set(found) == {"LL201"}

    # The unsafe fix says so, and is not preferred.
    actions = _actions(client, uri, found["LL201"], only=["quickfix"])
    assert actions[0]["title"].endswith("(LL201) [unsafe: changes values]")
    assert actions[0]["isPreferred"] is False
    assert "torch.log(pred.clamp(min=1e-7))" in apply_edits(text, actions[0]["edit"]["changes"][uri])

    # Hover on the finding: the rule's summary, why it is a bug, and its page.
    start = found["LL201"]["range"]["start"]
    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                  "position": {"line": start["line"], "character": start["character"] + 3}})
    value = hover["contents"]["value"]
    assert value.startswith("**LL201 unguarded-log**: log of a value that may be zero or negative")
    assert "`log(0)` is `-inf`" in value and "/rules/LL201/)" in value
    assert client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                 "position": {"line": 0, "character": 2}}) is None

    # Suppress it: the comment goes on the finding's line, and the finding goes away.
    noqa = actions[-1]
    assert noqa["title"] == "Suppress LL201 with `# noqa: LL201`"
    text = apply_edits(text, noqa["edit"]["changes"][uri])
    assert "    b = -(target * torch.log(pred)).mean()  # noqa: LL201\n" in text
    _change(client, uri, text, 3)
    assert client.diagnostics(uri, version=3) == []


def test_fix_all_safe_source_action(client, tmp_path):
    source = SOURCE.replace("torch.log(pred)", "torch.log(torch.sigmoid(pred))")
    uri = _open(client, tmp_path / "loss.py", source)
    assert set(_by_code(client.diagnostics(uri, version=1))) == {"LL211", "LL213"}
    actions = _actions(client, uri, only=["source.fixAll"])
    assert [a["kind"] for a in actions] == ["source.fixAll.losslint"]
    assert actions[0]["title"] == "Fix all safe problems (2)"
    text = apply_edits(source, actions[0]["edit"]["changes"][uri])
    assert "torch.log1p(pred)" in text and "torch.nn.functional.logsigmoid(pred)" in text
    _change(client, uri, text, 2)
    assert client.diagnostics(uri, version=2) == []
    # Nothing left to fix: no source action.
    assert _actions(client, uri, only=["source.fixAll"]) == []


def test_fix_all_is_resolved_when_chosen_by_a_client_that_can(tmp_path):
    session = _start(tmp_path, resolves_edits=True)
    try:
        assert session.capabilities["codeActionProvider"]["resolveProvider"] is True
        source = SOURCE.replace("torch.log(pred)", "torch.log(torch.sigmoid(pred))")
        uri = _open(session, tmp_path / "loss.py", source)
        session.diagnostics(uri, version=1)
        (action,) = _actions(session, uri, only=["source.fixAll"])
        assert action["title"] == "Fix all safe problems (2)" and "edit" not in action
        resolved = session.request("codeAction/resolve", action)
        text = apply_edits(source, resolved["edit"]["changes"][uri])
        assert "torch.log1p(pred)" in text and "torch.nn.functional.logsigmoid(pred)" in text
    finally:
        assert session.close() == 0


def test_changes_are_debounced_and_config_is_honoured(client, tmp_path):
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[tool.losslint]\nignore = ["LL211"]\n')
    uri = _open(client, sub / "loss.py", SOURCE)
    assert set(_by_code(client.diagnostics(uri, version=1))) == {"LL201"}
    # Three edits in quick succession: one analysis, of the last.
    for version in (2, 3, 4):
        _change(client, uri, SOURCE.replace("target *", "target  *" * version), version)
    assert set(_by_code(client.diagnostics(uri))) == {"LL201"}
    published = [m["params"].get("version") for side, m in client.transcript
                 if side == "server" and m.get("method") == "textDocument/publishDiagnostics"]
    assert published == [1, 4]


def test_syntax_error_is_one_error_diagnostic_and_non_python_is_ignored(client, tmp_path):
    uri = _open(client, tmp_path / "broken.py", "import torch\ndef loss(x:\n    return torch.log(x)\n")
    (diagnostic,) = client.diagnostics(uri, version=1)
    assert diagnostic["code"] == "LL000" and diagnostic["severity"] == 1
    assert diagnostic["message"].startswith("syntax error")
    other = tmp_path / "notes.txt"
    other.write_text("torch.log(1 + x)\n")
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": other.as_uri(), "languageId": "plaintext", "version": 1, "text": other.read_text()}})
    assert client.diagnostics(other.as_uri(), version=1) == []


def test_lsp_without_pygls_says_how_to_install(monkeypatch):
    from losslint import cli

    monkeypatch.setitem(sys.modules, "pygls.lsp.server", None)
    monkeypatch.delitem(sys.modules, "losslint.lsp", raising=False)
    err = io.StringIO()
    assert cli.main(["lsp"], stderr=err) == 2
    assert "pip install 'losslint[lsp]'" in err.getvalue()


def test_columns_count_utf16_units_and_a_bad_config_is_shown(client, tmp_path):
    text = SOURCE.replace("    a = torch.log(1 + pred).mean()", "    a = '🙂é'; b = torch.log(1 + pred).mean()")
    uri = _open(client, tmp_path / "wide.py", text)
    found = _by_code(client.diagnostics(uri, version=1))
    # 18 characters precede the log, and 🙂 is two UTF-16 units: 19.
    assert found["LL211"]["range"]["start"] == {"line": 4, "character": 19}
    fixed = apply_edits(text, _actions(client, uri, found["LL211"])[0]["edit"]["changes"][uri])
    assert "    a = '🙂é'; b = torch.log1p(pred).mean()\n" in fixed

    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "pyproject.toml").write_text('[tool.losslint]\nselect = ["XX1"]\n')
    uri = _open(client, bad / "loss.py", SOURCE)
    shown = client.wait_for(lambda m: m.get("method") == "window/showMessage")
    assert shown["params"]["type"] == 1 and "select" in shown["params"]["message"]
    assert client.diagnostics(uri, version=1) == []


# -- notebook documents ------------------------------------------------------------------------------
def _start_with(folder: Path, options=None, configuration_answer=None) -> LspClient:
    session = LspClient([sys.executable, "-m", "losslint", "lsp"], cwd=folder)
    capabilities = {"textDocument": {"publishDiagnostics": {"versionSupport": True}, "codeAction": {
                        "codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "source"]}}}},
                    "notebookDocument": {"synchronization": {}}}
    if configuration_answer is not None:
        capabilities["workspace"] = {"configuration": True}
        session.answers["workspace/configuration"] = [configuration_answer]
    params = {"processId": os.getpid(), "rootUri": folder.as_uri(), "capabilities": capabilities}
    if options is not None:
        params["initializationOptions"] = options
    session.capabilities = session.request("initialize", params)["capabilities"]
    session.notify("initialized", {})
    return session


CELLS = [("markdown", "# Losses"), ("python", "import torch"),
         ("python", "def kl_loss(p, q):\n    return (p * torch.log(1 + q)).sum()"),
         ("python", "def bce_loss(p, y):\n    return -(y * torch.log(p)).mean()")]


def _open_notebook(session, path: Path, cells=CELLS) -> tuple[str, list[str]]:
    uri = path.as_uri()
    cell_uris = [f"vscode-notebook-cell:{path.as_posix()}#C{n}" for n in range(len(cells))]
    session.notify("notebookDocument/didOpen", {
        "notebookDocument": {"uri": uri, "notebookType": "jupyter-notebook", "version": 1, "cells": [
            {"kind": 1 if language == "markdown" else 2, "document": cell_uri}
            for (language, _), cell_uri in zip(cells, cell_uris)]},
        "cellTextDocuments": [{"uri": cell_uri, "languageId": language, "version": 1, "text": text}
                              for (language, text), cell_uri in zip(cells, cell_uris)]})
    return uri, cell_uris


def test_notebook_document_diagnostics_and_a_fix_in_its_cell(tmp_path):
    session = _start_with(tmp_path)
    try:
        assert session.capabilities["notebookDocumentSync"]["notebookSelector"][0]["notebook"] == "jupyter-notebook"
        uri, cells = _open_notebook(session, tmp_path / "losses.ipynb")
        by_cell = {n: session.diagnostics(cells[n]) for n in range(4)}
        assert by_cell[0] == [] and by_cell[1] == []
        (log1p,) = by_cell[2]
        assert log1p["code"] == "LL211"
        assert log1p["range"] == {"start": {"line": 1, "character": 16}, "end": {"line": 1, "character": 32}}
        assert [d["code"] for d in by_cell[3]] == ["LL201"]

        hover = session.request("textDocument/hover", {"textDocument": {"uri": cells[2]},
                                                       "position": {"line": 1, "character": 20}})
        assert hover["contents"]["value"].startswith("**LL211 log1p**")
        assert session.request("textDocument/hover", {"textDocument": {"uri": cells[2]},
                                                      "position": {"line": 0, "character": 2}}) is None

        actions = session.request("textDocument/codeAction", {
            "textDocument": {"uri": cells[2]}, "range": log1p["range"], "context": {"diagnostics": [log1p]}})
        fix = actions[0]
        assert fix["title"] == "Use `log1p` (LL211)"
        assert list(fix["edit"]["changes"]) == [cells[2]], "the fix edits its cell only"
        fixed = apply_edits(CELLS[2][1], fix["edit"]["changes"][cells[2]])
        assert fixed == "def kl_loss(p, q):\n    return (p * torch.log1p(q)).sum()"
        noqa = next(a for a in actions if a["title"].startswith("Suppress"))
        assert apply_edits(CELLS[2][1], noqa["edit"]["changes"][cells[2]]).endswith(".sum()  # noqa: LL211")

        session.notify("notebookDocument/didChange", {
            "notebookDocument": {"uri": uri, "version": 2},
            "change": {"cells": {"textContent": [{"document": {"uri": cells[2], "version": 2},
                                                  "changes": [{"text": fixed}]}]}}})
        assert session.diagnostics(cells[2], version=2) == []

        # What is left (LL201) has an unsafe fix only: no "fix all safe problems".
        assert _fix_all_titles(session, cells[3]) == []
        session.notify("notebookDocument/didClose", {"notebookDocument": {"uri": uri},
                                                     "cellTextDocuments": [{"uri": c} for c in cells]})
        assert session.diagnostics(cells[3]) == []
    finally:
        assert session.close() == 0


def test_notebook_fix_all_edits_each_changed_cell(tmp_path):
    session = _start_with(tmp_path)
    try:
        cells = [("python", "import torch"), ("python", "a = lambda x: torch.log(1 + x)\nloss_fn = a"),
                 ("markdown", "text"), ("python", "def loss(x):\n    return torch.log(torch.sigmoid(x)).sum()")]
        uri, cell_uris = _open_notebook(session, tmp_path / "n.ipynb", cells)
        assert [d["code"] for d in session.diagnostics(cell_uris[3])] == ["LL213"]
        (action,) = session.request("textDocument/codeAction", {
            "textDocument": {"uri": cell_uris[3]}, "range": {"start": {"line": 0, "character": 0},
                                                             "end": {"line": 0, "character": 0}},
            "context": {"diagnostics": [], "only": ["source.fixAll"]}})
        changes = action["edit"]["changes"]
        assert set(changes) == {cell_uris[1], cell_uris[3]}
        assert "torch.log1p(x)" in apply_edits(cells[1][1], changes[cell_uris[1]])
        assert "logsigmoid" in apply_edits(cells[3][1], changes[cell_uris[3]])
    finally:
        assert session.close() == 0


# -- settings ----------------------------------------------------------------------------------------
def _fix_all_titles(session, uri: str) -> list[str]:
    actions = session.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
        "context": {"diagnostics": [], "only": ["source.fixAll"]}})
    return [a["title"] for a in actions]


def test_settings_from_initialization_and_from_a_change(tmp_path):
    session = _start_with(tmp_path, options={"settings": {"lint": {"ignore": ["LL211"]}, "unsafeFixes": True}})
    try:
        uri = _open(session, tmp_path / "loss.py", SOURCE)
        assert [d["code"] for d in session.diagnostics(uri, version=1)] == ["LL201"]
        assert _fix_all_titles(session, uri) == ["Fix all problems (1)"]
        session.notify("workspace/didChangeConfiguration",
                       {"settings": {"losslint": {"lint.select": ["log1p"], "fixAll": False}}})
        assert [d["code"] for d in session.diagnostics(uri)] == ["LL211"]
        assert _fix_all_titles(session, uri) == []
        (tmp_path / "strict.toml").write_text('select = ["LL201"]\n')
        session.notify("workspace/didChangeConfiguration", {"settings": {"losslint": {"configuration": "strict.toml"}}})
        assert [d["code"] for d in session.diagnostics(uri)] == ["LL201"]
        session.notify("workspace/didChangeConfiguration", {"settings": {"losslint": {"lint": {"select": ["XX1"]}}}})
        shown = session.wait_for(lambda m: m.get("method") == "window/showMessage")
        assert "lint.select" in shown["params"]["message"]
    finally:
        assert session.close() == 0


def test_settings_pulled_from_the_client_and_config_reloaded_on_change(tmp_path):
    session = _start_with(tmp_path, configuration_answer={"lint": {"ignore": ["LL201"]}})
    try:
        uri = _open(session, tmp_path / "loss.py", SOURCE)
        session.wait_for(lambda m: m.get("method") == "workspace/configuration")
        found = session.diagnostics(uri)
        while [d["code"] for d in found] != ["LL211"]:  # the first analysis may predate the answer
            found = session.diagnostics(uri)
        (tmp_path / "losslint.toml").write_text('extend-select = ["LL105"]\nignore = ["LL211"]\n')
        session.notify("workspace/didChangeWatchedFiles", {"changes": [
            {"uri": (tmp_path / "losslint.toml").as_uri(), "type": 1}]})
        assert session.diagnostics(uri) == []  # LL201 by the client's settings, LL211 by the new file
    finally:
        assert session.close() == 0


def test_the_editor_and_the_command_line_share_the_cache(tmp_path, monkeypatch):
    from tests.test_cache import _analysed
    from tests.test_cli import run

    session = _start(tmp_path)
    uri = _open(session, tmp_path / "loss.py", SOURCE)
    assert {d["code"] for d in session.diagnostics(uri, version=1)} == {"LL211", "LL201"}
    unsaved = SOURCE.replace("torch.log(pred)", "torch.log(pred + 1e-8)")
    _change(session, uri, unsaved, 2)
    assert {d["code"] for d in session.diagnostics(uri, version=2)} == {"LL211"}
    assert session.close() == 0
    entries = list((tmp_path / ".losslint_cache").rglob("*.json"))
    assert len(entries) == 1  # the saved content only: an unsaved buffer leaves no entry
    calls = _analysed(monkeypatch)
    code, out, _ = run("loss.py", "--output-format", "json", cwd=tmp_path)  # the editor's kind of entry
    assert calls == [0] and {d["code"] for d in json.loads(out)} == {"LL211", "LL201"}
