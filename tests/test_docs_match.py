"""The prose documentation says what the code does: generated statements are current, and every
documented flag, key, format and setting is the parser's, and the other way round."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from losslint import __version__, reporters
from losslint.cli import _parser
from losslint.config import KNOWN_KEYS
from losslint.docs import PROSE, SAMPLE_START, WHERE_START, with_generated_statements

ROOT = Path(__file__).resolve().parent.parent
if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def _page(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def _table_column(text: str, heading: str) -> list[str]:
    """The first column of the table under ``heading``."""
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    return [row.split("|")[1].strip() for row in section.splitlines()
            if row.startswith("| ") and not row.startswith("| ---") and not row.startswith("|---")][1:]


@pytest.mark.parametrize("name", PROSE)
def test_generated_statements_are_current(name):
    text = _page(name)
    assert with_generated_statements(text) == text, f"{name} is stale: run `python -m losslint.docs`"


def test_sample_output_and_where_rules_run_are_shown():
    for name in ("README.md", "docs/usage.md"):
        text = _page(name)
        assert SAMPLE_START in text and "$ losslint examples/\n" in text
    assert WHERE_START in _page("README.md") and WHERE_START in _page("docs/usage.md")
    # No hand-written statement that contradicts the specs (LL211-LL219 run anywhere).
    for name in ("README.md", "docs/usage.md", "docs/index.md"):
        assert "Numerical rules run in loss code only" not in _page(name)
        assert "Numerical rules look at loss code only" not in _page(name)


def test_every_flag_is_documented_and_every_documented_flag_exists():
    parser_flags = {option for action in _parser()._actions for option in action.option_strings}
    documented = set()
    for cell in _table_column(_page("docs/usage.md"), "## Every flag"):
        documented |= set(re.findall(r"`(-{1,2}[\w-]+)", cell))
    assert documented == parser_flags
    for name in ("docs/usage.md", "docs/configuration.md", "docs/notebooks.md", "README.md"):  # integrations.md: flake8 flags too
        mentioned = set(re.findall(r"(?<![\w-])(--[a-z][\w-]*\w)(?![\w*-])", _page(name)))
        assert mentioned <= parser_flags, (name, mentioned - parser_flags)


def test_every_config_key_is_documented():
    documented = {cell.strip("`") for cell in _table_column(_page("docs/configuration.md"), "## Every key")}
    assert documented == KNOWN_KEYS


def test_every_output_format_is_documented():
    documented = {cell.strip("`") for cell in _table_column(_page("docs/usage.md"), "## Output")}
    assert documented == set(reporters.FORMATS)


def test_language_server_settings_are_documented():
    pytest.importorskip("pygls")
    from losslint.lsp import SETTING_NAMES

    documented = {cell.strip("`") for cell in _table_column(_page("docs/editors.md"), "## Settings")}
    assert documented == set(SETTING_NAMES)


def test_pre_commit_snippet_uses_the_release_tag_of_this_version():
    revs = re.findall(r"rev: (\S+)", _page("docs/integrations.md"))
    assert revs == [f"v{__version__}"]
    pyproject = tomllib.loads(_page("pyproject.toml"))
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "losslint.__version__"}
    hooks = _page(".pre-commit-hooks.yaml")
    assert hooks.count("--force-exclude") == 2
