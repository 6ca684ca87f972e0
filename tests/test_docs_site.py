"""The documentation site builds in mkdocs' strict mode, with a page per rule from rules/."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from losslint.docs import with_mkdocs_nav
from losslint.rulespec import docs_url, load_specs

pytest.importorskip("mkdocs")
pytest.importorskip("material")

ROOT = Path(__file__).resolve().parent.parent


def _build(project: Path, site: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml"),
                           "-d", str(site)], capture_output=True, text=True, env=env, cwd=project)


def _text(page: Path) -> str:
    """A built page as its reader sees it: tags (code highlighting too) removed."""
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))


def test_site_builds_strict_with_a_page_per_rule(tmp_path):
    out = _build(ROOT, tmp_path / "site")
    assert out.returncode == 0, out.stderr
    for code, spec in load_specs().items():
        page = _text(tmp_path / "site" / "rules" / code / "index.html")
        assert spec.name in page and "Why is this bad?" in page and "Fix safety" in page
        assert "Configuration" in page and f"# noqa: {code}" in page
        assert docs_url(code).startswith("https://losslint.readthedocs.io/en/latest/rules/")
    page = _text(tmp_path / "site" / "rules" / "LL201" / "index.html")
    assert "log(0)" in page and "PyTorch" in page and "TensorFlow" in page and "Keras" in page
    assert "vim.lsp.start" in _text(tmp_path / "site" / "editors" / "index.html")
    assert "cell N:line:col" in _text(tmp_path / "site" / "notebooks" / "index.html")


def test_a_broken_link_fails_the_build(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    with open(project / "docs" / "usage.md", "a", encoding="utf-8") as handle:
        handle.write("\nSee [the missing page](no-such-page.md).\n")
    out = _build(project, tmp_path / "site")
    assert out.returncode != 0
    assert "no-such-page.md" in out.stderr


def test_site_nav_lists_every_rule_page():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert with_mkdocs_nav(config) == config, "mkdocs.yml's rule pages are stale: run `python -m losslint.docs`"


def test_readme_links_the_site():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "https://losslint.readthedocs.io/" in readme and "mkdocs serve" in readme
