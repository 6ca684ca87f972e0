"""The conventions a ruff or flake8 user reaches for: fix control, noqa tooling, selection and file
flags, configuration files that extend each other."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import os
import textwrap
from pathlib import Path

import pytest

from losslint.cli import main

ROOT = Path(__file__).resolve().parent.parent
# LL201 (unsafe fix) at 6:23, LL211 (safe fix) at 6:46.
BAD = textwrap.dedent("""\
    import torch


    def bce_loss(pred, target):
        p = pred.clamp(max=1.0)
        return -(target * torch.log(p)).mean() + torch.log(1 + pred).mean()
""")


def run(*args, cwd=None, stdin: str | None = None):
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(cwd or old)
    try:
        argv = list(args) if args[:1] in (("rule",), ("rules",)) else ["--no-cache", *args]
        code = main(argv, stdin=io.StringIO(stdin or ""), stdout=out, stderr=err)
    finally:
        os.chdir(old)
    return code, out.getvalue(), err.getvalue()


def codes(out: str) -> list[str]:
    return [line.split(": ")[1].split()[0] for line in out.splitlines() if ": LL" in line]


@pytest.fixture
def project(tmp_path):
    (tmp_path / "bad.py").write_text(BAD)
    return tmp_path


# -- fix control -------------------------------------------------------------------------------------
def test_fix_only_reports_nothing_and_exits_zero(project):
    code, out, _ = run("--fix-only", "bad.py", cwd=project)
    assert code == 0 and out == "Fixed 1 problem.\n"
    assert "torch.log1p(pred)" in (project / "bad.py").read_text()
    assert run("--fix-only", "bad.py", cwd=project)[:2] == (0, "")


def test_exit_non_zero_on_fix(project):
    code, _, _ = run("--fix-only", "--exit-non-zero-on-fix", "bad.py", cwd=project)
    assert code == 1
    assert run("--fix-only", "--exit-non-zero-on-fix", "bad.py", cwd=project)[0] == 0  # nothing left to fix
    (project / "clean.py").write_text(BAD.replace("torch.log(p)", "torch.log(p + 1e-7)"))
    assert run("--fix", "--exit-non-zero-on-fix", "clean.py", cwd=project)[0] == 1
    assert run("--fix", "--exit-non-zero-on-fix", "clean.py", cwd=project)[0] == 0


def test_show_fixes_lists_what_was_fixed(project):
    code, out, _ = run("--fix", "--unsafe-fixes", "--show-fixes", "bad.py", cwd=project)
    assert "Fixed 2 problems.\n- bad.py:\n    1 × LL201 (unguarded-log)\n    1 × LL211 (log1p)\n" in out
    assert code == 0


@pytest.mark.parametrize("where", ["config", "cli"])
def test_unfixable_and_fixable(project, where):
    args = ["--unfixable", "LL211"] if where == "cli" else []
    if where == "config":
        (project / "pyproject.toml").write_text('[tool.losslint]\nunfixable = ["log1p"]\n')
    code, out, _ = run("bad.py", *args, cwd=project)
    assert "[*]" not in out and "0 fixable with --fix" in out
    run("--fix", "bad.py", *args, cwd=project)
    assert "log1p" not in (project / "bad.py").read_text()
    row = json.loads(run("--output-format", "json", "bad.py", *args, cwd=project)[1])[1]
    assert row["code"] == "LL211" and row["fix"] is None
    fixable = ["--fixable", "LL201"] if where == "cli" else []
    if where == "config":
        (project / "pyproject.toml").write_text('[tool.losslint]\nfixable = ["LL201"]\n')
    run("--fix", "--unsafe-fixes", "bad.py", *fixable, cwd=project)
    text = (project / "bad.py").read_text()
    assert "clamp(min=1e-7)" in text and "log1p" not in text


@pytest.mark.parametrize("where", ["config", "cli"])
def test_extend_safe_and_unsafe_fixes(project, where):
    if where == "config":
        (project / "pyproject.toml").write_text('[tool.losslint]\nextend-safe-fixes = ["LL201"]\n'
                                                'extend-unsafe-fixes = ["LL2"]\n')
        args = []
    else:
        args = ["--extend-safe-fixes", "LL201", "--extend-unsafe-fixes", "LL2"]
    rows = json.loads(run("--output-format", "json", "bad.py", *args, cwd=project)[1])
    # LL201 named exactly wins over the LL2 prefix; LL211 falls under LL2 and becomes unsafe.
    assert [(r["code"], r["fix"]["applicability"]) for r in rows] == [("LL201", "safe"), ("LL211", "unsafe")]
    run("--fix", "bad.py", *args, cwd=project)
    text = (project / "bad.py").read_text()
    assert "clamp(min=1e-7)" in text and "log1p" not in text


# -- noqa ------------------------------------------------------------------------------------------
def test_add_noqa_then_a_plain_run_is_clean_and_a_second_add_changes_nothing(project):
    (project / "other.py").write_text(BAD.replace(".mean()\n", ".mean()  # noqa: E501, LL5\n"))
    code, out, _ = run("--add-noqa", ".", cwd=project)
    assert code == 0 and out == "Added 2 noqa directives. Removed 1 unused one.\n"
    assert (project / "bad.py").read_text().endswith(".mean()  # noqa: LL201, LL211\n")
    assert (project / "other.py").read_text().endswith(".mean()  # noqa: E501, LL201, LL211\n")
    assert run(".", cwd=project)[:2] == (0, "All checks passed!\n")
    before = {p.name: p.read_bytes() for p in project.glob("*.py")}
    assert run("--add-noqa", ".", cwd=project)[1] == "Added 0 noqa directives.\n"
    assert {p.name: p.read_bytes() for p in project.glob("*.py")} == before


def test_add_noqa_goes_after_a_backslash_continuation_and_a_string(project):
    source = ("import torch\n\n\ndef bce_loss(p, y):\n    a = torch.log(p) + \\\n        1\n"
              "    b = torch.log(1 + p) + len('''x\ny''')\n    return a + b\n")
    (project / "cont.py").write_text(source)
    rows = json.loads(run("--output-format", "json", "cont.py", cwd=project)[1])
    assert [(r["location"]["row"], r["noqa_row"]) for r in rows] == [(5, 6), (7, 8)]
    run("--add-noqa", "cont.py", cwd=project)
    lines = (project / "cont.py").read_text().splitlines()
    assert lines[5] == "        1  # noqa: LL201" and lines[6] == "    b = torch.log(1 + p) + len('''x"
    assert lines[7] == "y''')  # noqa: LL211"
    assert run("cont.py", cwd=project)[0] == 0


def test_add_noqa_in_a_notebook_writes_the_cell(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("import torch"),
                      nbformat.v4.new_code_cell("def kl_loss(p):\n    return torch.log(1 + p).sum()")]
    nbformat.write(notebook, tmp_path / "n.ipynb")
    run("--add-noqa", "n.ipynb", cwd=tmp_path)
    cells = nbformat.read(tmp_path / "n.ipynb", as_version=4).cells
    assert cells[1].source == "def kl_loss(p):\n    return torch.log(1 + p).sum()  # noqa: LL211"
    assert run("n.ipynb", cwd=tmp_path)[0] == 0


def test_unused_noqa_is_reported_and_its_fix_removes_it(project):
    (project / "bad.py").write_text(BAD.replace("p = pred.clamp(max=1.0)", "p = pred.clamp(max=1.0)  # noqa: LL201")
                                    .replace(".mean()\n", ".mean()  # noqa: LL211, LL2011  # why\n"))
    code, out, _ = run("bad.py", cwd=project)
    assert codes(out) == ["LL901", "LL201", "LL901"]
    assert "bad.py:5:30: LL901 [*] unused `noqa` directive (unused: `LL201`)" in out
    assert "(unknown: `LL2011`)" in out
    run("--fix", "bad.py", cwd=project)
    lines = (project / "bad.py").read_text().splitlines()
    assert lines[4] == "    p = pred.clamp(max=1.0)"
    assert lines[5].endswith(".mean()  # noqa: LL211  # why")


def test_unused_noqa_is_judged_only_for_rules_that_ran(project):
    (project / "bad.py").write_text(BAD.replace(".mean()\n", ".mean()  # noqa: LL201, LL211, LL501\n"))
    code, out, _ = run("bad.py", cwd=project)
    assert "LL901" in out and "`LL501`" in out
    code, out, _ = run("bad.py", "--select", "LL2,LL901", cwd=project)
    assert code == 0, out  # LL501 did not run: its silence says nothing
    assert run("bad.py", "--ignore", "LL901", "--select", "ALL", cwd=project)[0] == 0


def test_noqa_comments_of_other_tools_alone_are_not_tokenized_for_unused_codes():
    from losslint.suppression import Suppressions

    others = Suppressions("import os  # noqa: F401\nx = 1  # noqa\n")
    assert others.unused(lambda code: True) == []
    assert others._directives is None  # nothing of this tool to judge: the tokens were never read
    own = Suppressions("import os  # noqa: F401\nx = 1  # NOQA: e501, ll201\n")
    assert [(d.row, codes) for d, codes in own.unused(lambda code: True)] == [(2, ["LL201"])]


def test_noqa_is_read_from_comments_only(project):
    (project / "bad.py").write_text(BAD.replace("torch.log(1 + pred).mean()", 'torch.log(1 + pred).mean() + len("# noqa")')
                                    .replace("import torch\n", 'import torch\n"""# losslint: noqa"""\n'))
    _, out, _ = run("bad.py", cwd=project)
    assert codes(out) == ["LL201", "LL211"]


def test_flake8_file_noqa_is_honoured(project):
    (project / "bad.py").write_text("# flake8: noqa\n" + BAD)
    assert run("bad.py", cwd=project)[0] == 0
    (project / "bad.py").write_text("# flake8: noqa: LL211\n" + BAD)
    assert codes(run("bad.py", cwd=project)[1]) == ["LL201"]


def test_ignore_noqa(project):
    (project / "bad.py").write_text(BAD.replace(".mean()\n", ".mean()  # noqa\n"))
    assert run("bad.py", cwd=project)[0] == 0
    code, out, _ = run("--ignore-noqa", "bad.py", cwd=project)
    assert code == 1 and codes(out) == ["LL201", "LL211"]


# -- selection and files ---------------------------------------------------------------------------
def test_repeated_select_and_ignore_accumulate(project):
    assert codes(run("bad.py", "--select", "LL201", "--select", "LL211", cwd=project)[1]) == ["LL201", "LL211"]
    assert run("bad.py", "--ignore", "LL201", "--ignore", "LL211", cwd=project)[0] == 0


def test_rule_names_wherever_codes_are(project):
    assert codes(run("bad.py", "--select", "unguarded-log", cwd=project)[1]) == ["LL201"]
    (project / "pyproject.toml").write_text('[tool.losslint]\nignore = ["log1p"]\n')
    assert codes(run("bad.py", cwd=project)[1]) == ["LL201"]
    code, out, _ = run("rule", "unguarded-log")
    assert code == 0 and out.startswith("# LL201 unguarded-log")
    code, _, err = run("--select", "no-such-rule", "bad.py", cwd=project)
    assert code == 2 and "unknown rule code, prefix or name 'no-such-rule'" in err


def test_ll000_is_a_documented_selectable_code(project):
    (project / "broken.py").write_text("import torch\n\n\ndef loss(p:\n    return torch.log(p)\n")
    code, out, _ = run("rule", "LL000")
    assert code == 0 and out.startswith("# LL000 syntax-error")
    code, out, _ = run(".", "--select", "LL000", cwd=project)
    assert code == 2 and codes(out) == ["LL000"]
    code, out, _ = run(".", "--select", "LL201", cwd=project)
    assert code == 2 and sorted(codes(out)) == ["LL000", "LL201"]  # a broken file is said unless ignored
    code, out, _ = run(".", "--ignore", "LL000", cwd=project)
    assert code == 1 and "LL000" not in out and "broken.py" not in out


def test_exclude_extend_exclude_and_force_exclude(project):
    (project / "gen").mkdir()
    (project / "gen" / "g.py").write_text(BAD)
    (project / "vendor").mkdir()
    (project / "vendor" / "v.py").write_text(BAD)
    (project / "pyproject.toml").write_text('[tool.losslint]\nexclude = ["gen/"]\n')

    def files(*args):
        return run("--show-files", *args, cwd=project)[1].split()
    assert files(".") == ["bad.py", "vendor/v.py"]
    assert files(".", "--exclude", "vendor/") == ["bad.py", "gen/g.py"]
    assert files(".", "--extend-exclude", "vendor") == ["bad.py"]
    assert files("gen/g.py") == ["gen/g.py"]  # named on the command line: linted
    assert files("gen/g.py", "--force-exclude") == []
    (project / "pyproject.toml").write_text('[tool.losslint]\nexclude = ["gen/"]\nforce-exclude = true\n')
    assert files("gen/g.py") == [] and files("gen/g.py", "--no-force-exclude") == ["gen/g.py"]


def test_per_file_ignores_on_the_command_line(project):
    (project / "pyproject.toml").write_text('[tool.losslint.per-file-ignores]\n"bad.py" = ["LL201"]\n')
    assert codes(run("bad.py", cwd=project)[1]) == ["LL211"]
    assert codes(run("bad.py", "--per-file-ignores", "bad.py:LL211", cwd=project)[1]) == ["LL201"]
    assert run("bad.py", "--extend-per-file-ignores", "*.py:log1p", cwd=project)[0] == 0
    code, _, err = run("bad.py", "--per-file-ignores", "LL211", cwd=project)
    assert code == 2 and "expected PATTERN:CODES" in err


def test_extend_and_standalone_config_files(project):
    (project / "pyproject.toml").write_text('[tool.losslint]\nignore = ["LL211"]\nexclude = ["/gen/"]\n')
    sub = project / "sub"
    sub.mkdir()
    (sub / "bad.py").write_text(BAD)
    (sub / "gen").mkdir()
    (sub / "gen" / "g.py").write_text(BAD)
    assert codes(run("sub", cwd=project)[1]) == ["LL201", "LL201"]
    (sub / "losslint.toml").write_text('extend = "../pyproject.toml"\nextend-select = ["LL105"]\n'
                                       'extend-exclude = ["/gen/"]\n')
    # The extended file's ignore holds; its exclude stays relative to its own folder (no project/gen/),
    # while this file's extend-exclude is relative to sub/.
    assert codes(run("sub", cwd=project)[1]) == ["LL201"]
    (sub / ".losslint.toml").write_text('select = ["LL211"]\n')  # a hidden file wins in the same folder
    assert codes(run("sub/bad.py", cwd=project)[1]) == ["LL211"]
    (sub / ".losslint.toml").write_text('extend = "losslint.toml"\n')
    (sub / "losslint.toml").write_text('extend = ".losslint.toml"\n')
    code, _, err = run("sub/bad.py", cwd=project)
    assert code == 2 and "cycle" in err


def test_show_settings(project):
    (project / "pyproject.toml").write_text('[tool.losslint]\nignore = ["LL211"]\nunfixable = ["LL2"]\n')
    code, out, _ = run("--show-settings", "bad.py", cwd=project)
    assert code == 0
    assert out.splitlines()[:2] == ["Resolved settings for: bad.py", f"Settings path: {project / 'pyproject.toml'}"]
    assert 'ignore = ["LL211"]' in out and 'unfixable = ["LL2"]' in out
    enabled = next(line for line in out.splitlines() if line.startswith("enabled rules"))
    assert '"LL201"' in enabled and '"LL211"' not in enabled


def test_stdin_filename_reads_stdin_whenever_given(project):
    (project / "pyproject.toml").write_text('[tool.losslint.per-file-ignores]\n"model/*" = ["LL201"]\n')
    code, out, err = run("--stdin-filename", "model/loss.py", cwd=project, stdin=BAD)
    assert code == 1 and out.startswith("model/loss.py:6:46: LL211") and codes(out) == ["LL211"]
    code, out, err = run("--stdin-filename", "model/loss.py", "bad.py", cwd=project, stdin=BAD)
    assert "ignoring bad.py" in err and codes(out) == ["LL211"]
    code, out, err = run("--fix", "--stdin-filename", "x.py", cwd=project, stdin=BAD)
    assert "torch.log1p(pred)" in out and "x.py:6:23: LL201" in err


def test_the_same_path_twice_is_linted_once(project):
    code, out, _ = run("bad.py", "bad.py", "./bad.py", ".", cwd=project)
    assert codes(out) == ["LL201", "LL211"]


class _LeftReader(io.StringIO):
    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")


@pytest.mark.parametrize("argv", [["rules"], ["rule", "LL201"], ["--show-settings", "."], ["--show-files", "."]])
def test_every_command_stops_quietly_when_the_reader_leaves(project, argv):
    old = os.getcwd()
    os.chdir(project)
    try:
        # The exit code the command gives when its output is read to the end, every time.
        assert main(argv, stdout=_LeftReader(), stderr=io.StringIO()) == main(argv, stdout=io.StringIO(),
                                                                              stderr=io.StringIO()) == 0
    finally:
        os.chdir(old)


def test_extend_fixable_and_no_show_fixes(project):
    code, out, _ = run("--fix", "--unsafe-fixes", "--fixable", "LL211", "--extend-fixable", "LL201",
                       "--show-fixes", "--no-show-fixes", "bad.py", cwd=project)
    text = (project / "bad.py").read_text()
    assert "clamp(min=1e-7)" in text and "torch.log1p(pred)" in text
    assert out == "Fixed 2 problems.\nAll checks passed!\n" and code == 0


@pytest.mark.parametrize("argv", [["--version"], ["rules"], ["rule", "LL201"], ["rule", "unguarded-log"], ["--help"]])
def test_commands_that_analyse_nothing_import_neither_libcst_nor_the_rules(argv):
    """Start-up: these commands read the rule specs only; libcst and the rules cost most of a second."""
    probe = ("import sys\nfrom losslint.cli import main\ncode = main(sys.argv[1:])\n"
             "heavy = sorted(m for m in sys.modules if m in ('libcst', 'losslint.rules') or m.startswith(('libcst.', 'losslint.rules.', "
             "'losslint.engine', 'losslint.core')))\nprint('HEAVY', heavy)\nsys.exit(code)\n")
    done = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "HEAVY []" in done.stdout
    assert "LL201" in done.stdout or "losslint" in done.stdout


def test_jobs_chooses_the_worker_processes_and_the_findings_do_not_change(tmp_path, monkeypatch, capsys):
    import losslint.runner as runner

    files = runner.PARALLEL_THRESHOLD + 2  # enough files for the worker pool
    for i in range(files):
        (tmp_path / f"loss_{i}.py").write_text(f"import torch\n\n\ndef loss_{i}(p):\n    return torch.log(1 + p).mean()\n")
    pools: list[int] = []
    real = runner._Pool
    monkeypatch.setattr(runner, "_Pool", lambda size: pools.append(size) or real(size))
    pooled = run(".", "--jobs", "2", cwd=tmp_path)
    single = run(".", "--jobs", "1", cwd=tmp_path)
    assert pooled == single and pooled[0] == 1 and pooled[1].count("LL211") == files
    assert pools == [2]
    assert run(".", "--jobs", "0", cwd=tmp_path)[0] == 2
    assert "expected a positive number of jobs, got '0'" in capsys.readouterr().err  # argparse's own stream
