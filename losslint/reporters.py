"""Output formats. Every format renders the same findings; each takes the list of diagnostics and
the ``Sources`` they came from (for the full format's source lines and for the place in the file
where a notebook cell's line is stored)."""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter

from losslint import __version__
from losslint.diagnostics import Applicability, Diagnostic
from losslint.notebook import Notebook, NotebookError
from losslint.rulespec import docs_url, load_specs
from losslint.suppression import physical_lines

SYNTAX_ERROR = "LL000"
FORMATS = ("concise", "full", "json", "json-lines", "junit", "github", "gitlab", "pylint", "rdjson", "azure",
           "sarif")
ALIASES = {"text": "concise"}  # the name of the concise format before 0.2
# Formats whose findings carry the exact edits of their fixes.
WITH_EDITS = {"json", "json-lines", "sarif", "rdjson"}



# xml.sax.saxutils' escape and quoteattr, written out: importing it pulls in urllib and the
# email package, a fifth of the start-up time of every command.
def xml_escape(data: str, entities: dict[str, str] | None = None) -> str:
    data = data.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    for key, value in (entities or {}).items():
        data = data.replace(key, value)
    return data


def quoteattr(data: str) -> str:
    data = xml_escape(data, {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})
    if '"' in data:
        return "'%s'" % data if "'" not in data else '"%s"' % data.replace('"', "&quot;")
    return '"%s"' % data


class Sources:
    """The files the findings are in, as read: their lines, and for a notebook its cells."""

    def __init__(self, files: dict[str, bytes | None]) -> None:
        self.files = files
        self._notebooks: dict[str, Notebook | None] = {}

    def notebook(self, filename: str) -> Notebook | None:
        if filename not in self._notebooks:
            raw = self.files.get(filename)
            try:
                self._notebooks[filename] = Notebook(raw) if raw is not None else None
            except NotebookError:
                self._notebooks[filename] = None
        return self._notebooks[filename]

    def lines(self, d: Diagnostic) -> list[str]:
        """The lines the finding's rows count in: the file's, or its cell's."""
        if d.cell is not None:
            notebook = self.notebook(d.filename)
            cell = next((c for c in notebook.cells if c.index == d.cell - 1), None) if notebook else None
            text = cell.source if cell is not None else ""
        else:
            raw = self.files.get(d.filename) or b""
            text = raw.decode("utf-8-sig", errors="replace")
        return [line.rstrip("\r\n") for line in physical_lines(text)]

    def file_rows(self, d: Diagnostic) -> tuple[int, int]:
        """(first, last) line of the file as stored: for a notebook, where the cell's line is."""
        if d.cell is None:
            return d.location.row, d.end_location.row
        notebook = self.notebook(d.filename)
        if notebook is None:
            return 1, 1
        return notebook.file_line(d.cell, d.location.row), notebook.file_line(d.cell, d.end_location.row)


# -- shared pieces ---------------------------------------------------------------------------------
def _fixable(d: Diagnostic, unsafe: bool) -> bool:
    return d.fix is not None and (d.fix.applicability is Applicability.SAFE or unsafe)


def _place(d: Diagnostic) -> str:
    if d.cell is not None:
        return f"{d.filename}:cell {d.cell}:{d.location.row}:{d.location.column}"
    return f"{d.filename}:{d.location.row}:{d.location.column}"


def _cell_prefix(d: Diagnostic) -> str:
    """Where a notebook finding is, for the formats that point at lines of the file only."""
    return f"cell {d.cell}, line {d.location.row}, column {d.location.column}: " if d.cell is not None else ""


def _name(code: str) -> str:
    spec = load_specs().get(code)
    return spec.name if spec else code


def _url(code: str) -> str | None:
    return docs_url(code) if code in load_specs() else None


def _level(d: Diagnostic) -> str:
    return "error" if d.code == SYNTAX_ERROR else "warning"


def _absolute(filename: str) -> str:
    return filename if filename == "-" else os.path.abspath(filename)


class Colour:
    """ANSI colours, for a terminal only (``NO_COLOR`` set to anything turns them off)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.enabled and text else text

    def bold(self, text): return self(text, "1")
    def red(self, text): return self(text, "1;31")
    def cyan(self, text): return self(text, "36")
    def blue(self, text): return self(text, "1;34")


def wants_colour(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


# -- concise and full ------------------------------------------------------------------------------
def text_line(d: Diagnostic, unsafe: bool, colour: Colour = Colour(False)) -> str:
    mark = " " + colour.cyan("[*]") if _fixable(d, unsafe) else ""
    return f"{colour.bold(_place(d))}: {colour.red(d.code)}{mark} {d.message}"


def summary(diagnostics: list[Diagnostic], unsafe: bool) -> str:
    total = len(diagnostics)
    fixable = sum(_fixable(d, unsafe) for d in diagnostics)
    hidden = sum(d.fix is not None and d.fix.applicability is Applicability.UNSAFE and not unsafe for d in diagnostics)
    noun = "problem" if total == 1 else "problems"
    return f"Found {total} {noun} ({fixable} fixable with --fix, {hidden} more with --unsafe-fixes)."


def statistics(diagnostics: list[Diagnostic], unsafe: bool) -> list[str]:
    counts = Counter(d.code for d in diagnostics)
    lines = []
    for code, count in counts.most_common():
        fixable = any(_fixable(d, unsafe) for d in diagnostics if d.code == code)
        lines.append(f"{count:>5}\t{code}\t{'[*]' if fixable else '[ ]'} {_name(code)}")
    return lines


def concise(diagnostics, sources, unsafe=False, colour=Colour(False)) -> str:
    return "".join(text_line(d, unsafe, colour) + "\n" for d in diagnostics)


def full(diagnostics, sources, unsafe=False, colour=Colour(False)) -> str:
    """Each finding, then its source line(s) with a caret span under it and the fix's title."""
    out = []
    for d in diagnostics:
        out.append(text_line(d, unsafe, colour))
        lines = sources.lines(d)
        first, last = d.location.row, max(d.location.row, d.end_location.row)
        shown = range(max(1, first - 1), min(len(lines), min(last, first + 5) + 1) + 1)
        width = len(str(shown[-1])) if shown else 1
        gutter = colour.blue(" " * width + " |")
        out.append(gutter)
        for row in shown:
            text = lines[row - 1] if row <= len(lines) else ""
            out.append(f"{colour.blue(f'{row:>{width}} |')} {text}".rstrip())
            if row == first:
                start = d.location.column - 1
                end = d.end_location.column - 1 if last == first else len(text)
                carets = "^" * max(1, end - start)
                out.append(f"{gutter} {' ' * start}{colour.red(carets + ' ' + d.code)}")
        out.append(gutter)
        if d.fix is not None:
            note = "" if d.fix.applicability is Applicability.SAFE else " (unsafe: changes values; --unsafe-fixes)"
            out.append(f"{' ' * width} {colour.cyan('= help:')} {d.fix.message}{note}")
        out.append("")
    return "".join(line + "\n" for line in out)


# -- JSON, as ruff writes it ------------------------------------------------------------------------
def _location(loc) -> dict:
    return {"column": loc.column, "row": loc.row}


def _edit(e) -> dict:
    edit = {"content": e.content, "end_location": _location(e.end_location), "location": _location(e.location)}
    if e.cell is not None:  # a fix in a notebook may edit two cells (an import goes to the first)
        edit["cell"] = e.cell
    return edit


def json_row(d: Diagnostic) -> dict:
    fix = None
    if d.fix is not None:
        fix = {"applicability": d.fix.applicability.value, "edits": [_edit(e) for e in d.fix.edits],
               "message": d.fix.message}
    return {"cell": d.cell, "code": d.code, "end_location": _location(d.end_location),
            "filename": _absolute(d.filename), "fix": fix, "location": _location(d.location),
            "message": d.message, "name": _name(d.code),
            "noqa_row": d.noqa_row if d.noqa_row is not None else d.location.row,
            "severity": _level(d), "url": _url(d.code)}


def to_json(diagnostics, sources=None, **_) -> str:
    return json.dumps([json_row(d) for d in diagnostics], indent=2) + "\n"


def to_json_lines(diagnostics, sources=None, **_) -> str:
    return "".join(json.dumps(json_row(d)) + "\n" for d in diagnostics)


# -- CI formats ------------------------------------------------------------------------------------
def to_junit(diagnostics, sources, **_) -> str:
    """JUnit XML: a test suite per file, a failing test case per finding."""
    by_file: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        by_file.setdefault(d.filename, []).append(d)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<testsuites name="losslint" tests="{max(1, len(diagnostics))}" failures="{len(diagnostics)}" errors="0">']
    if not diagnostics:
        out += ['    <testsuite name="losslint" tests="1" failures="0" errors="0" skipped="0">',
                '        <testcase name="No problems found"/>', "    </testsuite>"]
    for filename, found in by_file.items():
        classname = quoteattr(os.path.splitext(filename)[0])
        out.append(f'    <testsuite name={quoteattr(filename)} tests="{len(found)}" failures="{len(found)}" '
                   f'errors="0" skipped="0" package="losslint" file={quoteattr(filename)}>')
        for d in found:
            where = (f"cell {d.cell}, " if d.cell is not None else "") + f"line {d.location.row}, col {d.location.column}"
            out += [f'        <testcase name={quoteattr("losslint." + d.code)} classname={classname}>',
                    f'            <failure message={quoteattr(d.message)} type={quoteattr(d.code)}>'
                    f'{xml_escape(f"{where}, {d.message}")}</failure>',
                    "        </testcase>"]
        out.append("    </testsuite>")
    out.append("</testsuites>")
    return "\n".join(out) + "\n"


def _github_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(value: str) -> str:
    return _github_data(value).replace(":", "%3A").replace(",", "%2C")


def to_github(diagnostics, sources, **_) -> str:
    """GitHub Actions workflow commands; a notebook finding points at the line of the .ipynb file
    that stores its cell's line, and says the cell in the message."""
    lines = []
    for d in diagnostics:
        first, last = sources.file_rows(d)
        props = {"title": f"losslint ({d.code})", "file": d.filename, "line": str(first)}
        if d.cell is None:
            props["col"] = str(d.location.column)
        props["endLine"] = str(last)
        if d.cell is None:
            props["endColumn"] = str(d.end_location.column)
        head = ",".join(f"{key}={_github_property(value)}" for key, value in props.items())
        lines.append(f"::{_level(d)} {head}::{_github_data(f'{_cell_prefix(d)}{d.code} {d.message}')}")
    return "".join(line + "\n" for line in lines)


def to_gitlab(diagnostics, sources, **_) -> str:
    """GitLab code quality: paths relative to the project folder (``CI_PROJECT_DIR``, else here)."""
    project = os.environ.get("CI_PROJECT_DIR") or os.getcwd()
    seen: Counter[str] = Counter()
    items = []
    for d in diagnostics:
        path = os.path.relpath(_absolute(d.filename), project) if d.filename != "-" else "-"
        identity = f"{path}\0{d.code}\0{d.message}"
        seen[identity] += 1
        fingerprint = hashlib.sha256(f"{identity}\0{seen[identity]}".encode()).hexdigest()[:32]
        first, last = sources.file_rows(d)
        location = {"path": path, "lines": {"begin": first, "end": last}}
        if d.cell is None:
            location = {"path": path, "positions": {
                "begin": {"line": d.location.row, "column": d.location.column},
                "end": {"line": d.end_location.row, "column": d.end_location.column}}}
        items.append({"type": "issue", "check_name": d.code, "description": f"{_cell_prefix(d)}{d.code}: {d.message}",
                      "categories": ["Bug Risk"], "severity": "critical" if d.code == SYNTAX_ERROR else "major",
                      "fingerprint": fingerprint, "location": location})
    return json.dumps(items, indent=2) + "\n"


def to_pylint(diagnostics, sources, **_) -> str:
    return "".join(f"{d.filename}:{sources.file_rows(d)[0]}: [{d.code}] {_cell_prefix(d)}{d.message}\n"
                   for d in diagnostics)


def _azure_property(value: str) -> str:
    return (value.replace("%", "%AZP25").replace(";", "%3B").replace("\r", "%0D").replace("\n", "%0A")
            .replace("]", "%5D"))


def _azure_data(value: str) -> str:
    return value.replace("%", "%AZP25").replace("\r", "%0D").replace("\n", "%0A")


def to_azure(diagnostics, sources, **_) -> str:
    """Azure Pipelines logging commands."""
    lines = []
    for d in diagnostics:
        props = [("type", _level(d)), ("sourcepath", d.filename), ("linenumber", str(sources.file_rows(d)[0]))]
        if d.cell is None:
            props.append(("columnnumber", str(d.location.column)))
        props.append(("code", d.code))
        head = "".join(f"{key}={_azure_property(value)};" for key, value in props)
        lines.append(f"##vso[task.logissue {head}]{_azure_data(_cell_prefix(d) + d.message)}")
    return "".join(line + "\n" for line in lines)


def to_rdjson(diagnostics, sources, **_) -> str:
    """reviewdog's diagnostic format; a fix's edits are its suggestions."""
    items = []
    for d in diagnostics:
        if d.cell is None:
            where = {"start": {"line": d.location.row, "column": d.location.column},
                     "end": {"line": d.end_location.row, "column": d.end_location.column}}
        else:
            first, last = sources.file_rows(d)
            where = {"start": {"line": first}, "end": {"line": last}}
        item = {"message": _cell_prefix(d) + d.message,
                "location": {"path": _absolute(d.filename), "range": where},
                "severity": _level(d).upper(), "code": {"value": d.code}}
        if _url(d.code):
            item["code"]["url"] = _url(d.code)
        if d.fix is not None and d.fix.edits and d.cell is None:
            item["suggestions"] = [{"range": {"start": _rd_position(e.location), "end": _rd_position(e.end_location)},
                                    "text": e.content} for e in d.fix.edits]
        items.append(item)
    return json.dumps({"source": {"name": "losslint", "url": "https://losslint.readthedocs.io/"},
                       "severity": "WARNING", "diagnostics": items}, indent=2) + "\n"


def _rd_position(loc) -> dict:
    return {"line": loc.row, "column": loc.column}


def to_sarif(diagnostics, sources, **_) -> str:
    """SARIF 2.1.0: the rules, the findings with their fixes; a notebook finding names its cell as
    a logical location and points at the line of the file that stores it."""
    rules = load_specs()
    rule_list = [{"id": code, "name": spec.name, "shortDescription": {"text": spec.summary},
                  "helpUri": docs_url(code),
                  "defaultConfiguration": {"enabled": spec.default,
                                           "level": "error" if code == SYNTAX_ERROR else "warning"},
                  "properties": {"fix": spec.fix}}
                 for code, spec in rules.items()]
    index = {code: i for i, code in enumerate(rules)}
    results = []
    for d in diagnostics:
        uri = _uri(d.filename)
        if d.cell is None:
            region = {"startLine": d.location.row, "startColumn": d.location.column,
                      "endLine": d.end_location.row, "endColumn": d.end_location.column}
        else:
            first, last = sources.file_rows(d)
            region = {"startLine": first, "endLine": last}
        location = {"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}
        if d.cell is not None:
            location["logicalLocations"] = [{"name": f"cell {d.cell}", "fullyQualifiedName":
                                             f"{d.filename}:cell {d.cell}", "kind": "module"}]
        result = {"ruleId": d.code, "level": _level(d), "message": {"text": _cell_prefix(d) + d.message},
                  "locations": [location]}
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        if d.fix is not None and d.fix.edits and d.cell is None:
            result["fixes"] = [{"description": {"text": d.fix.message}, "artifactChanges": [{
                "artifactLocation": {"uri": uri},
                "replacements": [{"deletedRegion": {"startLine": e.location.row, "startColumn": e.location.column,
                                                    "endLine": e.end_location.row, "endColumn": e.end_location.column},
                                  "insertedContent": {"text": e.content}} for e in d.fix.edits]}]}]
        results.append(result)
    return json.dumps({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "losslint", "version": __version__,
                                      "informationUri": "https://losslint.readthedocs.io/", "rules": rule_list}},
                  "results": results}]}, indent=2) + "\n"


def _uri(filename: str) -> str:
    if filename == "-":
        return "stdin"
    from pathlib import Path

    return Path(_absolute(filename)).as_uri()


RENDERERS = {"concise": concise, "full": full, "json": to_json, "json-lines": to_json_lines, "junit": to_junit,
             "github": to_github, "gitlab": to_gitlab, "pylint": to_pylint, "rdjson": to_rdjson,
             "azure": to_azure, "sarif": to_sarif}


def render(name: str, diagnostics: list[Diagnostic], sources: Sources, unsafe: bool = False,
           colour: Colour = Colour(False)) -> str:
    renderer = RENDERERS[ALIASES.get(name, name)]
    if renderer in (concise, full):
        return renderer(diagnostics, sources, unsafe=unsafe, colour=colour)
    return renderer(diagnostics, sources)
