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
