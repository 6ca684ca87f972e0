"""Generated docs are current; the article seeds give what EXPECT.md says for this release's rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from losslint.docs import generated_pages, with_readme_table
from losslint.engine import Settings, lint_source
from losslint.rules import all_rules

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
EXPECT = re.compile(r"^(?P<file>\S+\.py):(?P<line>\d+) (?P<code>LL\d{3}) (?P<level>must|should|may)$")


def test_rule_pages_are_generated_and_current():
    folder = ROOT / "docs" / "rules"
    for name, text in generated_pages().items():
        path = folder / name
        assert path.exists() and path.read_text(encoding="utf-8") == text, \
            f"docs/rules/{name} is stale: run `python -m losslint.docs`"
    assert {p.name for p in folder.glob("*.md")} == set(generated_pages())


@pytest.mark.skipif(not (SEEDS / "EXPECT.md").exists(), reason="the shared seeds are not beside this checkout")
def test_seeds_for_implemented_rules():
    implemented = set(all_rules())
    expected = [m.groupdict() for m in map(EXPECT.match, (SEEDS / "EXPECT.md").read_text().splitlines()) if m]
    found = {}
    for path in sorted(SEEDS.glob("*.py")):
        result = lint_source(path.read_bytes(), path.name, Settings())
        found[path.name] = {(d.location.row, d.code) for d in result.diagnostics}
    explained = set()
    for e in expected:
        if e["code"] not in implemented:
            continue
        hits = {(line, code) for line, code in found.get(e["file"], ())
                if code == e["code"] and abs(line - int(e["line"])) <= 1}
        explained |= {(e["file"], *hit) for hit in hits}
        if e["level"] == "must":
            assert hits, f"missed {e['file']}:{e['line']} {e['code']}"
    unexpected = {(name, *item) for name, items in found.items() for item in items} - explained
    assert unexpected == set()


def test_readme_rule_table_is_current():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert with_readme_table(readme) == readme, "README's rule table is stale: run `python -m losslint.docs`"
    for code in all_rules():
        assert f"[{code}](docs/rules/{code}.md)" in readme
