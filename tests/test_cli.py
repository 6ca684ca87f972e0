"""The command line, as a user runs it: output lines, exit codes, config, suppression."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from losslint.cli import main

ROOT = Path(__file__).resolve().parent.parent
BAD = textwrap.dedent("""\
    import torch


    def bce_loss(pred, target):
        p = pred.clamp(max=1.0)
        return -(target * torch.log(p)).mean() + torch.log(1 + pred).mean()
""")
CLEAN = "import torch\n\n\ndef l1_loss(a, b):\n    return (a - b).abs().mean()\n"
LINE = re.compile(r"^(?P<path>[^:]+):(?P<row>\d+):(?P<col>\d+): (?P<code>LL\d{3})(?P<fix> \[\*\])? (?P<msg>.+)$")


def run(*args, cwd=None, stdin: str | None = None):
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(cwd or old)
    try:
        code = main(list(args), stdin=io.StringIO(stdin or ""), stdout=out, stderr=err)
    finally:
        os.chdir(old)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def project(tmp_path):
    (tmp_path / "bad.py").write_text(BAD)
    (tmp_path / "clean.py").write_text(CLEAN)
    return tmp_path


def test_text_output_lines_and_summary(project):
    code, out, _ = run(str(project / "bad.py"))
    lines = out.splitlines()
    assert code == 1
    first, second = (LINE.match(line) for line in lines[:2])
    assert (first["row"], first["col"], first["code"], first["fix"]) == ("6", "23", "LL201", None)
    assert (second["row"], second["col"], second["code"], second["fix"]) == ("6", "46", "LL211", " [*]")
    assert lines[2] == "Found 2 problems (1 fixable with --fix, 1 more with --unsafe-fixes)."


def test_unsafe_fixes_flag_marks_unsafe_fixes_as_available(project):
    _, out, _ = run(str(project / "bad.py"), "--unsafe-fixes")
    assert LINE.match(out.splitlines()[0])["fix"] == " [*]"
    assert out.splitlines()[-1] == "Found 2 problems (2 fixable with --fix, 0 more with --unsafe-fixes)."


def test_clean_file_exit_zero(project):
    code, out, _ = run(str(project / "clean.py"))
    assert (code, out) == (0, "All checks passed!\n")


def test_exit_zero_flag(project):
    assert run(str(project / "bad.py"), "--exit-zero")[0] == 0


def test_select_and_ignore_by_prefix(project):
    assert "LL211" not in run(str(project / "bad.py"), "--select", "LL20")[1]
    assert "LL201" in run(str(project / "bad.py"), "--select", "LL20")[1]
    _, out, _ = run(str(project / "bad.py"), "--ignore", "LL2")
    assert out == "All checks passed!\n"
    assert "LL201" not in run(str(project / "bad.py"), "--select", "LL211")[1]
    assert "LL201" in run(str(project / "bad.py"), "--select", "LL211", "--extend-select", "LL201")[1]


def test_unknown_rule_code_is_a_usage_error(project):
    code, _, err = run(str(project), "--select", "LL999")
    assert code == 2 and "LL999" in err and "Traceback" not in err


def test_directory_recursion_with_default_and_gitignore_excludes(project):
    for folder in ("venv", "build", "__pycache__", "ignored"):
        (project / folder).mkdir()
        (project / folder / "bad.py").write_text(BAD)
    (project / "sub").mkdir()
    (project / "sub" / "bad.py").write_text(BAD)
    (project / ".gitignore").write_text("ignored/\n")
    (project / ".git").mkdir()
    _, out, _ = run(".", cwd=project)
    files = {LINE.match(line)["path"] for line in out.splitlines() if LINE.match(line)}
    assert files == {"bad.py", "sub/bad.py"}


def test_json_output_is_shaped_like_ruffs(project):
    code, out, _ = run(str(project / "bad.py"), "--format", "json")
    items = json.loads(out)
    assert code == 1 and len(items) == 2
    log1p = items[1]
    assert set(log1p) == {"cell", "code", "message", "filename", "location", "end_location", "fix", "url", "name",
                          "noqa_row", "severity"}
    assert log1p["location"] == {"row": 6, "column": 46}
    assert (log1p["cell"], log1p["name"], log1p["noqa_row"]) == (None, "log1p", 6)
    assert log1p["filename"] == str(project / "bad.py")
    assert log1p["fix"]["applicability"] == "safe"
    assert log1p["fix"]["edits"] == [{"content": "torch.log1p(pred)", "location": {"row": 6, "column": 46},
                                      "end_location": {"row": 6, "column": 65}}]
    assert items[0]["fix"]["applicability"] == "unsafe"
    assert items[0]["url"] == "https://losslint.readthedocs.io/en/latest/rules/LL201/"


def test_json_edits_of_a_fix_that_adds_an_import(tmp_path):
    (tmp_path / "l.py").write_text("import numpy as np\nimport torch.nn as nn\n\n\nclass SumLoss(nn.Module):\n"
                                   "    def forward(self, x):\n        return np.sum(x, axis=1)\n")
    item = json.loads(run(str(tmp_path / "l.py"), "--format", "json")[1])[0]
    edits = item["fix"]["edits"]
    assert item["code"] == "LL501" and item["fix"]["applicability"] == "unsafe"
    assert any("import torch" in e["content"] for e in edits)
    assert any("torch.sum(x, dim=1)" in e["content"] for e in edits)


def test_sarif_and_github_formats(project):
    _, out, _ = run(str(project / "bad.py"), "--format", "sarif")
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    run_ = sarif["runs"][0]
    assert {r["id"] for r in run_["tool"]["driver"]["rules"]} >= {"LL201", "LL211", "LL501", "LL601"}
    assert [r["ruleId"] for r in run_["results"]] == ["LL201", "LL211"]
    _, out, _ = run(str(project / "bad.py"), "--format", "github")
    assert out.splitlines()[0].startswith(f"::warning title=losslint (LL201),file={project / 'bad.py'},line=6,col=23,")


def test_fix_writes_safe_fixes_only_and_is_idempotent(project):
    path = project / "bad.py"
    os.chmod(path, 0o640)
    code, out, _ = run(str(path), "--fix")
    assert code == 1  # the unsafe LL201 remains
    assert "torch.log1p(pred)" in path.read_text() and "torch.log(p)" in path.read_text()
    assert "Fixed 1 problem." in out
    assert oct(path.stat().st_mode & 0o777) == "0o640"
    before = path.read_bytes()
    run(str(path), "--fix")
    assert path.read_bytes() == before
    code, _, _ = run(str(path), "--fix", "--unsafe-fixes")
    assert code == 0 and "p.clamp(min=1e-7)" in path.read_text()


def test_diff_prints_and_writes_nothing(project):
    path = project / "bad.py"
    code, out, _ = run(str(path), "--diff")
    assert code == 1 and "-    return -(target" in out and "+    return -(target" in out and "log1p" in out
    assert path.read_text() == BAD
    assert run(str(project / "clean.py"), "--diff")[0] == 0


def test_stdin(project):
    code, out, _ = run("-", "--stdin-filename", "model/loss.py", stdin=BAD)
    assert code == 1 and out.startswith("model/loss.py:6:23: LL201")
    code, out, err = run("-", "--fix", stdin=BAD)
    assert "torch.log1p(pred)" in out and "LL201" in err


def test_syntax_error_is_reported_and_the_run_goes_on(project):
    (project / "broken.py").write_text("import torch\ndef loss(x:\n    return torch.log(x)\n")
    code, out, _ = run(str(project))
    assert code == 2
    assert re.search(r"broken\.py:\d+:\d+: LL000 syntax error", out)
    assert "bad.py:6:23: LL201" in out


def test_binary_and_undecodable_files(project):
    (project / "blob.py").write_bytes(b"import torch\x00\x01\x02loss")
    (project / "latin.py").write_bytes(b"import torch\n# caf\xe9\ndef loss(x):\n    return torch.log(x)\n")
    code, out, err = run(str(project))
    assert code == 2 and "Traceback" not in out + err
    assert "blob.py:1:1: LL000 not a text file" in out
    assert "latin.py:2:6: LL000 cannot decode file: byte 0xe9 on line 2 is not UTF-8" in out


def test_unreadable_file(project, monkeypatch):
    path = project / "bad.py"
    real = Path.read_bytes

    def refuse(self):
        if self.name == "bad.py":
            raise PermissionError(13, "Permission denied")
        return real(self)
    monkeypatch.setattr(Path, "read_bytes", refuse)
    code, out, _ = run(str(path), str(project / "clean.py"))
    assert code == 2 and "LL000 cannot read file" in out


def test_missing_path(project):
    code, _, err = run(str(project / "nope.py"))
    assert code == 2 and "no such file" in err


def test_noqa_line_and_file(project):
    path = project / "bad.py"
    path.write_text(BAD.replace("torch.log(1 + pred).mean()", "torch.log(1 + pred).mean()  # noqa: LL21"))
    _, out, _ = run(str(path))
    assert "LL201" in out and "LL211" not in out
    path.write_text(BAD.replace("torch.log(1 + pred).mean()", "torch.log(1 + pred).mean()  # noqa"))
    assert run(str(path))[1] == "All checks passed!\n"
    path.write_text("# losslint: noqa: LL201\n" + BAD)
    _, out, _ = run(str(path))
    assert "LL201" not in out and "LL211" in out
    path.write_text("# losslint: noqa\n" + BAD)
    assert run(str(path))[0] == 0


def test_noqa_lines_are_not_fixed(project):
    path = project / "bad.py"
    path.write_text(BAD.replace("torch.log(1 + pred).mean()", "torch.log(1 + pred).mean()  # noqa: LL211"))
    run(str(path), "--fix")
    assert "log1p" not in path.read_text()


def test_pyproject_config(project):
    (project / "pyproject.toml").write_text(textwrap.dedent("""
        [tool.losslint]
        ignore = ["LL211"]
        per-file-ignores = {"sub/*" = ["LL201"]}
        exclude = ["generated/"]
        loss-functions = ["kl_*"]
    """))
    (project / "sub").mkdir()
    (project / "sub" / "bad.py").write_text(BAD)
    (project / "generated").mkdir()
    (project / "generated" / "bad.py").write_text(BAD)
    (project / "terms.py").write_text("import torch\n\ndef kl_term(p):\n    return torch.log(p)\n")
    _, out, _ = run(".", cwd=project)
    found = {(LINE.match(l)["path"], LINE.match(l)["code"]) for l in out.splitlines() if LINE.match(l)}
    assert found == {("bad.py", "LL201"), ("terms.py", "LL201")}


@pytest.mark.parametrize("table, message", [
    ('selekt = ["LL2"]', "unknown key `selekt`"),
    ('select = ["XX1"]', "unknown rule code, prefix or name 'XX1'"),
    ('select = "LL201"', "`select` must be a list of strings"),
    ('per-file-ignores = {"a.py" = ["LL8"]}', "unknown rule code, prefix or name 'LL8'"),
])
def test_bad_config_is_exit_2_naming_key_and_file(project, table, message):
    (project / "pyproject.toml").write_text(f"[tool.losslint]\n{table}\n")
    code, out, err = run(".", cwd=project)
    assert code == 2 and message in err and "pyproject.toml" in err and "Traceback" not in err


def test_invalid_toml(project):
    (project / "pyproject.toml").write_text("[tool.losslint\n")
    code, _, err = run(".", cwd=project)
    assert code == 2 and "invalid TOML" in err


def test_explicit_config_file(project):
    cfg = project / "strict.toml"
    cfg.write_text('select = ["LL211"]\n')
    _, out, _ = run(str(project / "bad.py"), "--config", str(cfg))
    assert "LL211" in out and "LL201" not in out


def test_statistics_and_quiet(project):
    _, out, _ = run(str(project / "bad.py"), "--statistics")
    assert re.search(r"^\s+1\tLL201\t\[ \] unguarded-log$", out, re.M)
    _, out, _ = run(str(project / "bad.py"), "--quiet")
    assert "Found" not in out and out.count("\n") == 2


def test_rules_and_rule_commands():
    code, out, _ = run("rules")
    assert code == 0 and re.search(r"^LL201\s+unguarded-log\s+unsafe\s+on$", out, re.M)
    assert re.search(r"^LL601\s+module-backward-never-called\s+-\s+on$", out, re.M)
    code, out, _ = run("rule", "LL211")
    assert code == 0 and out.startswith("# LL211 log1p") and "## Why is this bad?" in out
    assert run("rule", "LL999")[0] == 2


def test_version_and_module_entry_point():
    out = subprocess.run([sys.executable, "-m", "losslint", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0 and re.fullmatch(r"losslint \d+\.\d+\.\d+\n", out.stdout)


def test_bad_flag_is_usage_error():
    assert run("--no-such-flag")[0] == 2


def test_weight_options(tmp_path):
    (tmp_path / "w.py").write_text("import torch\n\n\ndef total_loss(a, b):\n"
                                   "    return 100.0 * a.mean() + 0.001 * b.mean()\n")
    assert "LL301" in run(str(tmp_path / "w.py"))[1]  # ratio 1e5 > 1e4
    (tmp_path / "pyproject.toml").write_text("[tool.losslint]\nweight-ratio = 1e6\nweight-band = [1e-2, 1e4]\n")
    _, out, _ = run("w.py", cwd=tmp_path)
    assert "LL301" not in out  # the ratio 1e5 is allowed now
    assert "LL302 a loss term weighted by 0.001, outside [0.01, 10000]" in out
    (tmp_path / "pyproject.toml").write_text("[tool.losslint]\nweight-band = [1e6, 1]\n")
    code, _, err = run("w.py", cwd=tmp_path)
    assert code == 2 and "weight-band" in err and "pyproject.toml" in err


def test_internal_error_names_file_and_rule_and_the_run_goes_on(project, monkeypatch):
    from losslint.rules.ll211_log1p import Log1p

    def broken(self, call):
        raise ValueError("boom")
    monkeypatch.setattr(Log1p, "visit_Call", broken)
    monkeypatch.setattr(Log1p, "handlers", classmethod(lambda cls: {__import__("libcst").Call: "visit_Call"}))
    (project / "other.py").write_text(BAD)
    code, out, _ = run(str(project / "bad.py"), str(project / "clean.py"), "--no-cache")
    assert code == 2
    assert re.search(r"bad\.py:1:1: LL000 internal error in LL211: ValueError: boom", out)


def test_no_respect_gitignore(project):
    (project / ".gitignore").write_text("bad.py\n")
    (project / ".git").mkdir()
    assert "bad.py" not in run(".", "--no-cache", cwd=project)[1]
    assert "bad.py:6:23: LL201" in run(".", "--no-cache", "--no-respect-gitignore", cwd=project)[1]


def test_a_reader_that_leaves_early_gets_no_traceback(tmp_path):
    body = "".join("    x = x + torch.log(1 + x)\n" for i in range(3000))
    (tmp_path / "many.py").write_text(f"import torch\n\n\ndef loss_fn(x):\n{body}    return x\n")
    process = subprocess.Popen([sys.executable, "-m", "losslint", "--no-cache", "many.py"], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert b"LL211" in process.stdout.readline()
    process.stdout.close()  # like `| head -1`
    _, err = process.communicate(timeout=120)
    assert b"Traceback" not in err and process.returncode == 1  # the findings' exit code, as without a pipe
