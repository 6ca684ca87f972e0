"""Every front end reports the same findings on the same files: the text, json, sarif and github
reports, the flake8 plugin, the language server, and ``--fix`` (a file changes under ``--diff``
exactly when the report marks one of its findings safely fixable). The default run compares them on
the bundled examples and the case suite; the slow run on both real-code corpora."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPORA, corpus_or_skip
ROOT = Path(__file__).resolve().parent.parent

Finding = tuple[str, int, int, str]  # (absolute path, row, column, code)
_TEXT = re.compile(r"^(?P<path>.+?\.py):(?P<row>\d+):(?P<column>\d+): (?P<code>LL\d{3}) (?P<fixable>\[\*\] )?")
_GITHUB = re.compile(r"^::\w+ title=losslint \((?P<code>LL\d{3})\),file=(?P<path>[^,]+),line=(?P<row>\d+),"
                     r"col=(?P<column>\d+)")


def _losslint(folder: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "losslint", "--no-cache", "--exit-zero", *args, "."],
                          cwd=folder, capture_output=True, text=True, timeout=3600)
    assert done.returncode in ((0, 1) if "--diff" in args else (0,)), done.stderr[-2000:]  # --diff: 1 for changes
    return done.stdout


def _path(folder: Path, path: str) -> str:
    if path.startswith("file://"):
        path = path[len("file://"):]
    return os.path.normpath(os.path.join(folder, path))


def _from_lines(folder: Path, text: str, pattern: re.Pattern) -> set[Finding]:
    return {(_path(folder, m["path"]), int(m["row"]), int(m["column"]), m["code"])
            for m in map(pattern.match, text.splitlines()) if m}


def text_report(folder: Path) -> tuple[set[Finding], set[str]]:
    """The findings of the concise report, and the files with a safely fixable one."""
    out = _losslint(folder)
    fixable = {_path(folder, m["path"]) for m in map(_TEXT.match, out.splitlines()) if m and m["fixable"]}
    return _from_lines(folder, out, _TEXT), fixable


def json_report(folder: Path) -> set[Finding]:
    return {(_path(folder, d["filename"]), d["location"]["row"], d["location"]["column"], d["code"])
            for d in json.loads(_losslint(folder, "--output-format", "json")) if d["filename"].endswith(".py")}


def sarif_report(folder: Path) -> set[Finding]:
    out = set()
    for result in json.loads(_losslint(folder, "--output-format", "sarif"))["runs"][0]["results"]:
        where = result["locations"][0]["physicalLocation"]
        if where["artifactLocation"]["uri"].endswith(".py"):
            out.add((_path(folder, where["artifactLocation"]["uri"]), where["region"]["startLine"],
                     where["region"]["startColumn"], result["ruleId"]))
    return out


def github_report(folder: Path) -> set[Finding]:
    return _from_lines(folder, _losslint(folder, "--output-format", "github"), _GITHUB)


def flake8_report(folder: Path) -> set[Finding]:
    done = subprocess.run([sys.executable, "-m", "flake8", "--select", "LL", "--exit-zero", "."], cwd=folder,
                          capture_output=True, text=True, timeout=3600)
    assert done.returncode == 0, done.stderr[-2000:]
    return _from_lines(folder, done.stdout, _TEXT)


def diffed_files(folder: Path) -> set[str]:
    out = _losslint(folder, "--diff")
    return {_path(folder, line[len("+++ b/"):].strip()) for line in out.splitlines()
            if line.startswith("+++ b/") and line.strip().endswith(".py")}


def language_server_report(files: list[Path], cache: Path) -> set[Finding]:
    from tests.lsp_client import LspClient

    os.environ["LOSSLINT_CACHE_DIR"] = str(cache)  # the server's cache: not in the folder compared
    cache.mkdir(parents=True, exist_ok=True)
    try:
        # Started elsewhere: ``python -m`` puts its folder first on sys.path, and a corpus folder
        # holds modules named like the standard library's (keras's numpy backend has math.py).
        session = LspClient([sys.executable, "-m", "losslint", "lsp"], cwd=cache)
    finally:
        del os.environ["LOSSLINT_CACHE_DIR"]
    session.request("initialize", {"processId": os.getpid(), "rootUri": files[0].parent.as_uri(),
                                   "capabilities": {"textDocument": {"publishDiagnostics": {"versionSupport": True}}}})
    session.notify("initialized", {})
    out = set()
    try:
        for path in files:
            text = path.read_text(encoding="utf-8")
            session.notify("textDocument/didOpen", {"textDocument": {
                "uri": path.as_uri(), "languageId": "python", "version": 1, "text": text}})
            lines = text.splitlines()
            for d in session.diagnostics(path.as_uri(), version=1):
                row, character = d["range"]["start"]["line"], d["range"]["start"]["character"]
                # LSP columns count UTF-16 units: back to code points for the comparison.
                prefix = lines[row].encode("utf-16-le")[:2 * character].decode("utf-16-le") if row < len(lines) else ""
                out.add((os.path.normpath(path), row + 1, len(prefix) + 1, d["code"]))
            session.notify("textDocument/didClose", {"textDocument": {"uri": path.as_uri()}})
    finally:
        assert session.close() == 0
    return out


def _without(findings: set[Finding], *codes: str) -> set[Finding]:
    return {f for f in findings if f[3] not in codes}


def _agree(folder: Path, server_sample: int | None, cache: Path) -> None:
    text, fixable = text_report(folder)
    assert text, f"no findings under {folder}: nothing compared"
    assert json_report(folder) == text
    assert sarif_report(folder) == text
    assert github_report(folder) == text
    # flake8 reports syntax errors itself (E999) and applies its own noqa; it also reads the folders
    # losslint leaves out by default (build/, .gitignore'd): compared on the files losslint reads.
    linted = {_path(folder, line) for line in _losslint(folder, "--show-files").splitlines() if line.strip()}
    assert {f for f in flake8_report(folder) if f[0] in linted} == _without(text, "LL000", "LL901")
    assert diffed_files(folder) == fixable
    files = sorted({Path(f[0]) for f in text if f[3] != "LL000"})[:server_sample]
    server = language_server_report(files, cache)
    assert server == {f for f in text if Path(f[0]) in set(files) and f[3] != "LL000"}


@pytest.mark.parametrize("folder", [ROOT / "examples", ROOT / "tests" / "cases"], ids=["examples", "cases"])
def test_every_front_end_reports_the_same_findings(folder, tmp_path):
    copy = tmp_path / folder.name
    subprocess.run(["cp", "-r", str(folder), str(copy)], check=True)  # --diff writes nothing, but stay apart
    _agree(copy, server_sample=None, cache=tmp_path / "cache")


@pytest.mark.slow
@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_every_front_end_reports_the_same_findings_on_the_corpora(corpus, tmp_path):
    _agree(corpus_or_skip(corpus).resolve(), server_sample=60, cache=tmp_path / "cache")
