"""Output formats: text, json (shaped like ruff's), sarif 2.1.0, github annotations."""

from __future__ import annotations

import json
from collections import Counter

from losslint import __version__
from losslint.diagnostics import Applicability, Diagnostic
from losslint.rules import all_rules
from losslint.rulespec import docs_url



def _fixable(diagnostic: Diagnostic, unsafe: bool) -> bool:
    fix = diagnostic.fix
    return fix is not None and (fix.applicability is Applicability.SAFE or unsafe)


def _place(d: Diagnostic) -> str:
    if d.cell is not None:
        return f"{d.filename}:cell {d.cell}:{d.location.row}:{d.location.column}"
    return f"{d.filename}:{d.location.row}:{d.location.column}"


def text_line(d: Diagnostic, unsafe: bool) -> str:
    mark = " [*]" if _fixable(d, unsafe) else ""
    return f"{_place(d)}: {d.code}{mark} {d.message}"


def summary(diagnostics: list[Diagnostic], unsafe: bool) -> str:
    total = len(diagnostics)
    fixable = sum(_fixable(d, unsafe) for d in diagnostics)
    hidden = sum(d.fix is not None and d.fix.applicability is Applicability.UNSAFE and not unsafe for d in diagnostics)
    noun = "problem" if total == 1 else "problems"
    return f"Found {total} {noun} ({fixable} fixable with --fix, {hidden} more with --unsafe-fixes)."


def statistics(diagnostics: list[Diagnostic], unsafe: bool) -> list[str]:
    counts = Counter(d.code for d in diagnostics)
    rules = all_rules()
    lines = []
    for code, count in counts.most_common():
        fixable = any(_fixable(d, unsafe) for d in diagnostics if d.code == code)
        name = rules[code].name if code in rules else "syntax-error"
        lines.append(f"{count:>5}\t{code}\t{'[*]' if fixable else '[ ]'} {name}")
    return lines


def _location(loc) -> dict:
    return {"row": loc.row, "column": loc.column}


def _edit(e) -> dict:
    edit = {"content": e.content, "location": _location(e.location), "end_location": _location(e.end_location)}
    if e.cell is not None:
        edit["cell"] = e.cell
    return edit


def to_json(diagnostics: list[Diagnostic]) -> str:
    items = []
    for d in diagnostics:
        fix = None
        if d.fix is not None:
            fix = {"applicability": d.fix.applicability.value, "message": d.fix.message,
                   "edits": [_edit(e) for e in d.fix.edits]}
        item = {"code": d.code, "message": d.message, "filename": d.filename,
                "location": _location(d.location), "end_location": _location(d.end_location),
                "fix": fix, "url": docs_url(d.code) if d.code in all_rules() else None}
        if d.cell is not None:
            item["cell"] = d.cell
        items.append(item)
    return json.dumps(items, indent=2)


def to_sarif(diagnostics: list[Diagnostic]) -> str:
    rules = all_rules()
    rule_list = [{"id": code, "name": rule.name, "shortDescription": {"text": rule.summary},
                  "helpUri": docs_url(code),
                  "properties": {"fix": rule.fix_applicability.value if rule.fix_applicability else "none"}}
                 for code, rule in rules.items()]
    index = {code: i for i, code in enumerate(rules)}
    results = []
    for d in diagnostics:
        result = {"ruleId": d.code, "level": "error" if d.code == "LL000" else "warning",
                  "message": {"text": d.message},
                  "locations": [{"physicalLocation": {
                      "artifactLocation": {"uri": d.filename},
                      "region": {"startLine": d.location.row, "startColumn": d.location.column,
                                 "endLine": d.end_location.row, "endColumn": d.end_location.column}}}]}
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        results.append(result)
    return json.dumps({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "losslint", "version": __version__,
                                      "informationUri": "https://pypi.org/project/losslint/", "rules": rule_list}},
                  "results": results}]}, indent=2)


def to_github(diagnostics: list[Diagnostic]) -> str:
    def escape(value: str) -> str:
        return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    lines = []
    for d in diagnostics:
        kind = "error" if d.code == "LL000" else "warning"
        lines.append(f"::{kind} title=losslint ({d.code}),file={d.filename},line={d.location.row},"
                     f"col={d.location.column},endLine={d.end_location.row},endColumn={d.end_location.column}"
                     f"::{d.code} {escape(d.message)}")
    return "\n".join(lines)
