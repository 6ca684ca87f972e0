"""Jupyter notebooks: linted as their joined code cells, findings by cell, fixes written into the
changed cells only."""

from __future__ import annotations

import difflib
import io
import os
import json
from pathlib import Path

import pytest

from losslint.cli import main

nbformat = pytest.importorskip("nbformat")
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _notebook(*cells, language: str = "python"):
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "k", "language": language, "display_name": "K"}
    nb.cells = list(cells)
    return nb


def _loss_notebook():
    return _notebook(
        new_markdown_cell("# Losses\nA `torch.log(1 + x)` in prose is not code."),
        new_code_cell("%matplotlib inline\nimport torch\n!pip list | grep torch",
                      outputs=[new_output("stream", name="stdout", text="torch 2.13.0\n")], execution_count=1),
        new_code_cell("def bce_loss(pred, target):\n    p = torch.sigmoid(pred)\n    return -(target * torch.log(p)).mean()",
                      outputs=[], execution_count=2),
        new_code_cell("%%bash\necho 'torch.log(1 + x) loss'"),
        new_code_cell("def smooth_loss(x):\n    %time y = x * 2\n    return torch.log(1 + y).mean()\nsmooth_loss?",
                      outputs=[new_output("execute_result", data={"text/plain": "tensor(0.6931)"}, execution_count=3)],
                      execution_count=3),
        new_code_cell("def kl_loss(p, q):\n    return (p * (p.log() - torch.log(q))).sum()  # noqa: LL201\n\n"
                      "def ratio_loss(p, q):\n    return (p / q).log().mean()",
                      outputs=[new_output("error", ename="ValueError", evalue="boom", traceback=["x"])]),
    )


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    code = main([*args, "--no-cache"], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def notebook(tmp_path) -> Path:
    path = tmp_path / "losses.ipynb"
    nbformat.write(_loss_notebook(), str(path))
    return path


def test_findings_in_three_cells_are_reported_by_cell(notebook, tmp_path):
    code, out, _ = _run(str(notebook))
    assert code == 1
    lines = out.splitlines()
    assert lines[:3] == [
        f"{notebook}:cell 3:3:23: LL213 [*] `log(sigmoid(x))` is -inf once sigmoid saturates (|x| > 17 in float32) "
        "and its gradient is NaN; use `logsigmoid(x)`",
        f"{notebook}:cell 5:3:12: LL211 [*] `log(1 + x)` rounds `1 + x` before the log and loses small `x`; "
        "use `log1p(x)`",
        f"{notebook}:cell 6:5:12: LL201 `log` of a value that may be zero or negative: "
        "-inf or NaN in the loss and its gradient; clamp it to a small positive floor",
    ]
    assert len(lines) == 4  # and the summary: the markdown, %%bash and noqa'd code are not findings
    code, out, _ = _run("--format", "json", str(notebook))
    items = json.loads(out)
    assert [(d["code"], d["cell"], d["location"]["row"]) for d in items] == [
        ("LL213", 3, 3), ("LL211", 5, 3), ("LL201", 6, 5)]
    assert items[1]["fix"]["edits"] == [{"content": "torch.log1p(y)", "location": {"row": 3, "column": 12},
                                         "end_location": {"row": 3, "column": 28}, "cell": 5}]


def _changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.ndiff(before.splitlines(), after.splitlines())
    return [line[2:] for line in diff if line[:2] in ("+ ", "- ")]


def test_fix_rewrites_only_the_changed_cells(notebook):
    before = notebook.read_text()
    code, out, _ = _run("--fix", "--unsafe-fixes", str(notebook))
    assert "Fixed 3 problems." in out
    after = notebook.read_text()
    old, new = json.loads(before), json.loads(after)
    nbformat.validate(nbformat.reads(after, as_version=4))
    # Every cell but 3, 5 and 6 is unchanged, and so is everything but the sources of those three.
    changed = {2, 4, 5}
    for index, (a, b) in enumerate(zip(old["cells"], new["cells"])):
        if index not in changed:
            assert a == b
        else:
            assert {k: v for k, v in a.items() if k != "source"} == {k: v for k, v in b.items() if k != "source"}
    assert old["metadata"] == new["metadata"]
    assert "".join(new["cells"][2]["source"]).endswith(
        "return -(target * torch.nn.functional.logsigmoid(pred)).mean()")
    assert "".join(new["cells"][4]["source"]) == (
        "def smooth_loss(x):\n    %time y = x * 2\n    return torch.log1p(y).mean()\nsmooth_loss?")
    assert "(p / q).clamp(min=1e-7).log()" in "".join(new["cells"][5]["source"])
    # Byte for byte: the only lines of the file that differ are source lines of the changed cells.
    new_lines = {json.dumps(line) for index in changed for line in new["cells"][index]["source"]}
    old_lines = {json.dumps(line) for index in changed for line in old["cells"][index]["source"]}
    for line in _changed_lines(before, after):
        assert line.strip().rstrip(",") in new_lines | old_lines
    # A second fix changes nothing.
    assert _run("--fix", "--unsafe-fixes", str(notebook))[0] == 0
    assert notebook.read_text() == after


def test_diff_shows_the_changed_cells(notebook):
    before = notebook.read_bytes()
    code, out, _ = _run("--diff", str(notebook))
    assert code == 1 and notebook.read_bytes() == before
    assert f"--- a/{notebook}:cell 3\n+++ b/{notebook}:cell 3\n" in out
    assert "-    return torch.log(1 + y).mean()\n+    return torch.log1p(y).mean()\n" in out
    assert ":cell 6" not in out  # its fix is unsafe


def test_an_import_a_fix_needs_goes_into_the_first_code_cell(tmp_path):
    path = tmp_path / "imports.ipynb"
    nbformat.write(_notebook(new_markdown_cell("intro"), new_code_cell("x = 1"),
                             new_code_cell("from torch import log, sigmoid"),
                             new_code_cell("def bce_loss(pred, target):\n    return -(target * log(sigmoid(pred))).mean()")),
                   str(path))
    assert _run("--fix", str(path))[0] == 0
    cells = ["".join(c["source"]) for c in json.loads(path.read_text())["cells"]]
    assert cells == ["intro", "import torch.nn.functional as F\n\nx = 1", "from torch import log, sigmoid",
                     "def bce_loss(pred, target):\n    return -(target * F.logsigmoid(pred)).mean()"]


@pytest.mark.parametrize("layout", ["string-source", "crlf-indent-2", "one-line-lists", "escaped-unicode"])
def test_other_json_layouts_are_kept(tmp_path, layout):
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["Ünïcode prose"]},
             {"cell_type": "code", "execution_count": None, "metadata": {"tags": ["x"]}, "outputs": [],
              "source": ["import torch\n", "def loss_fn(x):\n", "    return torch.log(1 + x)"]}]
    data = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    if layout == "string-source":
        cells[1]["source"] = "".join(cells[1]["source"])
        text = json.dumps(data, indent=1, ensure_ascii=False)
    elif layout == "crlf-indent-2":
        text = json.dumps(data, indent=2, ensure_ascii=False).replace("\n", "\r\n") + "\r\n"
    elif layout == "one-line-lists":
        text = json.dumps(data, ensure_ascii=False)
    else:
        text = json.dumps(data, indent=1, ensure_ascii=True)
    path = tmp_path / "layout.ipynb"
    path.write_bytes(text.encode())
    assert _run("--fix", str(path))[0] == 0
    fixed = path.read_bytes().decode()
    expected = text.replace("torch.log(1 + x)", "torch.log1p(x)")
    assert fixed == expected


def test_unreadable_and_foreign_notebooks(tmp_path):
    broken = tmp_path / "broken.ipynb"
    broken.write_text('{"cells": [')
    code, out, _ = _run(str(broken))
    assert code == 2 and f"{broken}:1:1: LL000 not a readable notebook (invalid JSON:" in out
    r_notebook = tmp_path / "r.ipynb"
    nbformat.write(_notebook(new_code_cell("torch <- log(1 + x)  # loss"), language="R"), str(r_notebook))
    assert _run(str(r_notebook))[0] == 0
    syntax = tmp_path / "syntax.ipynb"
    nbformat.write(_notebook(new_code_cell("import torch"), new_code_cell("def loss(x:\n    return torch.log(x)")),
                   str(syntax))
    code, out, _ = _run(str(syntax))
    assert code == 2 and f"{syntax}:cell 2:1:9: LL000 syntax error: '(' was never closed" in out


def test_folders_include_notebooks_and_the_cache_keeps_cells(notebook, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    assert main(["."], stdout=out) == 1
    first = out.getvalue()
    assert "losses.ipynb:cell 3:3:23: LL213" in first
    out = io.StringIO()
    assert main(["."], stdout=out) == 1  # answered from the cache
    assert out.getvalue() == first


def test_pre_commit_hooks_take_notebooks():
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert hooks.count("types_or: [python, jupyter]") == 2


# -- any notebook: never a crash, only code cells' sources change, a second fix changes nothing ----
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from losslint.engine import Settings  # noqa: E402
from losslint.runner import Job, run_source  # noqa: E402

_LINES = ["import torch", "from __future__ import annotations", "%matplotlib inline", "!pip install torch", "files = !ls", "torch.log?",
          "def loss_fn(x):\n    return torch.log(1 + x).mean()", "y = 'é🙂'", "# a comment", "",
          "def ratio_loss(p, q):\n    %time r = p / q\n    return r.log().mean()", "if x:\n    !echo hi",
          '"""a docstring\n!not a shell line\n"""', "def broken(:"]
_cell = st.one_of(
    st.builds(lambda text: {"cell_type": "markdown", "metadata": {}, "source": text}, st.text(max_size=20)),
    st.builds(lambda lines, magic: {"cell_type": "code", "execution_count": None, "metadata": {},
                                    "outputs": [{"output_type": "stream", "name": "stdout", "text": "out\n"}],
                                    "source": (magic + "\n" if magic else "") + "\n".join(lines)},
              st.lists(st.sampled_from(_LINES), max_size=4), st.sampled_from(["", "%%time", "%%bash"])))


@settings(max_examples=int(os.environ.get("LOSSLINT_FUZZ_EXAMPLES", "60")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=st.lists(_cell, min_size=1, max_size=5), indent=st.sampled_from([None, 1, 2]),
       ascii_only=st.booleans(), crlf=st.booleans(), as_lists=st.booleans())
def test_any_notebook_lints_and_fixes_safely(cells, indent, ascii_only, crlf, as_lists):
    if as_lists:
        for cell in cells:
            cell["source"] = cell["source"].splitlines(keepends=True)
    data = {"cells": cells, "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
            "nbformat": 4, "nbformat_minor": 5}
    text = json.dumps(data, indent=indent, ensure_ascii=ascii_only)
    raw = (text.replace("\n", "\r\n") if crlf else text).encode("utf-8")
    lint = run_source(raw, Job("nb.ipynb", "nb.ipynb", Settings(), "lint"))
    assert not any("internal error" in d.message for d in lint.diagnostics)
    fixed = run_source(raw, Job("nb.ipynb", "nb.ipynb", Settings(), "diff", unsafe=True))
    if fixed.fixed is None:
        return
    after = json.loads(fixed.fixed)
    for old, new in zip(data["cells"], after["cells"]):
        assert {k: v for k, v in old.items() if k != "source"} == {k: v for k, v in new.items() if k != "source"}
        if old["cell_type"] != "code" or "".join(old["source"]).startswith("%%bash"):
            assert old == new
        old_ipython = [line for line in "".join(old["source"]).splitlines() if line.lstrip()[:1] in ("%", "!")]
        new_ipython = [line for line in "".join(new["source"]).splitlines() if line.lstrip()[:1] in ("%", "!")]
        assert old_ipython == new_ipython
    if crlf:  # every line break of the JSON stays CRLF, new ones included
        assert fixed.fixed.count(b"\n") == fixed.fixed.count(b"\r\n")
    else:
        assert b"\r" not in fixed.fixed
    again = run_source(fixed.fixed, Job("nb.ipynb", "nb.ipynb", Settings(), "diff", unsafe=True))
    assert again.fixed is None
