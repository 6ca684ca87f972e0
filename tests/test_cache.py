"""The content-hash cache: same findings warm and cold, invalidated by content, settings and
sibling modules; --no-cache and `losslint clean`."""

from __future__ import annotations


from tests.test_cli import BAD, run


def test_warm_run_gives_the_same_findings_and_reads_the_cache(tmp_path, monkeypatch):
    (tmp_path / "bad.py").write_text(BAD)
    cold = run("bad.py", cwd=tmp_path)
    assert (tmp_path / ".losslint_cache" / ".gitignore").read_text() == "*\n"
    import losslint.runner as runner

    calls = []
    real = runner._run_all
    monkeypatch.setattr(runner, "_run_all", lambda jobs, workers: calls.append(len(jobs)) or real(jobs, workers))
    assert run("bad.py", cwd=tmp_path) == cold
    assert calls == [0]  # nothing analyzed again


def test_content_and_settings_invalidate(tmp_path):
    path = tmp_path / "bad.py"
    path.write_text(BAD)
    run("bad.py", cwd=tmp_path)
    path.write_text(BAD.replace("torch.log(1 + pred)", "torch.log1p(pred)"))
    assert "LL211" not in run("bad.py", cwd=tmp_path)[1]
    assert "LL201" not in run("bad.py", "--ignore", "LL201", cwd=tmp_path)[1]


def test_rules_run_outside_loss_code_invalidate(tmp_path):
    # ``everywhere`` changes what is found in code that is not loss code: it is part of the key.
    (tmp_path / "layers.py").write_text("import torch\n\n\ndef smooth(x):\n    return torch.log(1 + x)\n")
    assert "LL211" not in run("layers.py", cwd=tmp_path)[1]
    (tmp_path / "losslint.toml").write_text('everywhere = ["LL211"]\n')
    assert "LL211" in run("layers.py", cwd=tmp_path)[1]


def _loss_beside(tmp_path, module: str, text: str, imported: str, returned: str) -> None:
    """A sibling module ``module`` holding ``text``, and loss.py returning ``returned`` with
    ``imported`` imported from it."""
    (tmp_path / f"{module}.py").write_text(text)
    (tmp_path / "loss.py").write_text(f"import torch\nfrom {module} import {imported}\n\n\ndef log_loss(p):\n"
                                      f"    return {returned}\n")


def test_results_that_read_a_sibling_module_are_cached_until_it_changes(tmp_path, monkeypatch):
    _loss_beside(tmp_path, "settings", "FLOOR = 1e-6\n", "FLOOR", "torch.log(p + FLOOR).mean()")
    analysed = _analysed(monkeypatch)
    assert run("loss.py", cwd=tmp_path)[0] == 0
    assert run("loss.py", cwd=tmp_path)[0] == 0
    (tmp_path / "settings.py").write_text("FLOOR = -1.0\n")
    assert "LL201" in run("loss.py", cwd=tmp_path)[1]
    assert analysed == [1, 0, 1]  # the warm run read the cache; the changed sibling made it a miss


def test_a_helper_module_that_changes_invalidates_its_callers(tmp_path, monkeypatch):
    _loss_beside(tmp_path, "guards", "def floor(x):\n    return x.clamp(min=1e-6)\n", "floor",
                 "torch.log(floor(p)).mean()")
    analysed = _analysed(monkeypatch)
    assert run("loss.py", cwd=tmp_path)[0] == 0
    (tmp_path / "guards.py").write_text("def floor(x):\n    return x\n")
    assert "LL201" in run("loss.py", cwd=tmp_path)[1]
    (tmp_path / "guards.py").unlink()
    assert "LL201" in run("loss.py", cwd=tmp_path)[1]
    assert analysed == [1, 1, 1]


def test_no_cache_and_clean(tmp_path):
    (tmp_path / "bad.py").write_text(BAD)
    run("bad.py", "--no-cache", cwd=tmp_path)
    assert not (tmp_path / ".losslint_cache").exists()
    run("bad.py", cwd=tmp_path)
    assert run("clean", cwd=tmp_path)[1] == "Removed .losslint_cache/\n"
    assert not (tmp_path / ".losslint_cache").exists()
    assert run("clean", cwd=tmp_path)[1] == "No .losslint_cache/ here\n"


def test_fix_mode_does_not_use_the_cache(tmp_path):
    path = tmp_path / "bad.py"
    path.write_text(BAD)
    run("bad.py", cwd=tmp_path)
    run("bad.py", "--fix", cwd=tmp_path)
    assert "torch.log1p(pred)" in path.read_text()
    assert "LL211" not in run("bad.py", cwd=tmp_path)[1]


def _analysed(monkeypatch) -> list[int]:
    """How many files each run analyses (the rest come from the cache)."""
    import losslint.runner as runner

    calls: list[int] = []
    real = runner._run_all
    monkeypatch.setattr(runner, "_run_all", lambda jobs, workers: calls.append(len(jobs)) or real(jobs, workers))
    return calls


def test_cache_dir_from_the_command_line_and_the_environment(tmp_path, monkeypatch):
    (tmp_path / "bad.py").write_text(BAD)
    cold = run("bad.py", "--cache-dir", "elsewhere", cwd=tmp_path)
    assert (tmp_path / "elsewhere" / ".gitignore").is_file() and not (tmp_path / ".losslint_cache").exists()
    calls = _analysed(monkeypatch)
    assert run("bad.py", "--cache-dir", "elsewhere", cwd=tmp_path) == cold
    monkeypatch.setenv("LOSSLINT_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert run("bad.py", cwd=tmp_path) == cold
    assert calls == [0, 0]
    assert run("clean", cwd=tmp_path)[1] == f"Removed {tmp_path / 'elsewhere'}/\n"
    monkeypatch.delenv("LOSSLINT_CACHE_DIR")
    run("bad.py", "--cache-dir", "elsewhere", cwd=tmp_path)
    assert run("clean", "--cache-dir", "elsewhere", cwd=tmp_path)[1] == "Removed elsewhere/\n"
    assert not (tmp_path / "elsewhere").exists()


def test_the_same_file_under_another_spelling_shares_its_entry(tmp_path, monkeypatch):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "bad.py").write_text(BAD)
    monkeypatch.setenv("LOSSLINT_CACHE_DIR", str(tmp_path / "cache"))
    relative = run("src/bad.py", cwd=tmp_path)
    calls = _analysed(monkeypatch)
    absolute = run(str(tmp_path / "src" / "bad.py"), cwd=tmp_path)
    from_inside = run("bad.py", cwd=tmp_path / "src")
    assert calls == [0, 0]
    assert absolute[1] == relative[1].replace("src/bad.py", str(tmp_path / "src" / "bad.py"))
    assert from_inside[1] == relative[1].replace("src/bad.py", "bad.py")
