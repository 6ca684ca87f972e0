"""flake8 and pre-commit, run for real in subprocesses."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BAD = ("import torch\n\n\ndef bce_loss(pred, target):\n    p = pred.clamp(max=1.0)\n"
       "    return -(target * torch.log(p)).mean() + torch.log(1 + pred).mean()\n")


def _flake8(*args, cwd):
    return subprocess.run([sys.executable, "-m", "flake8", *args], capture_output=True, text=True, cwd=cwd)


def test_flake8_plugin_reports_the_same_findings(tmp_path):
    (tmp_path / "bad.py").write_text(BAD)
    out = _flake8("--select", "LL", "bad.py", cwd=tmp_path)
    assert out.returncode == 1, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("bad.py:6:23: LL201 `log` of a value that may be zero")
    assert lines[1].startswith("bad.py:6:46: LL211 `log(1 + x)`")
    assert len(lines) == 2


def test_flake8_select_ignore_and_noqa(tmp_path):
    (tmp_path / "bad.py").write_text(BAD.replace(".mean()\n", ".mean()  # noqa: LL211\n"))
    out = _flake8("--select", "LL", "bad.py", cwd=tmp_path)
    assert "LL211" not in out.stdout and "LL201" in out.stdout
    out = _flake8("--select", "LL", "--extend-ignore", "LL201", "bad.py", cwd=tmp_path)
    assert out.returncode == 0 and out.stdout == ""


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_pre_commit_hooks(tmp_path):
    repo = tmp_path / "user-repo"
    repo.mkdir()
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}

    def git(*args):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)
    git("init", "-q")
    (repo / "loss.py").write_text(BAD)
    git("add", "loss.py")
    # try-repo needs a committed hook repository: snapshot this checkout's working tree.
    hooks = tmp_path / "hooks"
    shutil.copytree(ROOT, hooks, ignore=shutil.ignore_patterns(".git", "*.egg-info", "build", "__pycache__",
                                                                ".pytest_cache", ".losslint_cache", "site"))
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "hooks"]):
        subprocess.run(["git", *args], cwd=hooks, check=True, capture_output=True, env=env)
    check = subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hooks), "losslint", "--all-files"],
                           cwd=repo, capture_output=True, text=True, env=env, timeout=900)
    assert check.returncode == 1, check.stdout + check.stderr
    assert "loss.py:6:23: LL201" in check.stdout
    fix = subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hooks), "losslint-fix", "--all-files"],
                         cwd=repo, capture_output=True, text=True, env=env, timeout=900)
    assert fix.returncode == 1, fix.stdout + fix.stderr  # files were modified and LL201 remains
    assert "torch.log1p(pred)" in (repo / "loss.py").read_text()
