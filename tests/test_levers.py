"""Speed levers never change what is found: the same findings with and without each of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from losslint import engine
from losslint.engine import Settings, lint_source
from losslint.rules import all_rules
from losslint.rulespec import load_specs
from tests.conftest import CORPUS
from tests.test_cli import run

ROOT = Path(__file__).resolve().parent.parent
ALL = frozenset(all_rules())


def findings(source: bytes, name: str, reduce: bool):
    result = lint_source(source, name, Settings(codes=ALL, reduce=reduce))
    return sorted((d.code, d.location.row, d.location.column, d.message) for d in result.diagnostics)


def sources():
    yield from ((p.read_bytes(), str(p)) for p in sorted((ROOT / "examples").glob("*.py")))
    for code, spec in load_specs().items():
        for i, example in enumerate(spec.examples):
            yield example.code.lstrip("\n").encode(), f"{code}-{i}.py"


def test_reduction_keeps_every_finding_on_examples_and_specs():
    for source, name in sources():
        assert findings(source, name, True) == findings(source, name, False), name


@pytest.mark.skipif(not (CORPUS / "keras").is_dir(), reason="the fetched corpus is not beside the checkout")
def test_reduction_keeps_every_finding_on_a_corpus_subset():
    files = sorted(CORPUS.rglob("*loss*.py"))[:150] + sorted(CORPUS.rglob("*_test.py"))[:30]
    assert files
    for path in files:
        source = path.read_bytes()
        assert findings(source, str(path), True) == findings(source, str(path), False), path


def test_cache_and_workers_keep_every_finding(tmp_path, monkeypatch):
    import losslint.runner as runner

    for source, name in sources():
        (tmp_path / name.replace("/", "_")).write_bytes(source)
    serial = run(".", "--no-cache", cwd=tmp_path)
    monkeypatch.setattr(runner, "PARALLEL_THRESHOLD", 2)  # force the process pool
    parallel = run(".", "--no-cache", cwd=tmp_path)
    cold = run(".", cwd=tmp_path)
    warm = run(".", cwd=tmp_path)
    assert serial == parallel == cold == warm


# -- positions computed per module-level statement ------------------------------------------------
PADDING = "".join(f"# note {i}\nconstant_{i} = {i}; other_{i} = {i}\n\n" for i in range(45))
DECORATED = '''

@decorator
@other.decorator(
    1,
)
# a comment between decorators
class WrappedLoss(nn.Module):
    """Doc."""

    def forward(self, p, q):
        return torch.log(1 + p) / (p - q)


if True:
    def loss_fn(x):  # comment
        return torch.log(x)
'''


STATEMENT_POSITIONS = engine._statement_positions


def _positions(source: bytes, name: str, one_statement_at: int, monkeypatch):
    monkeypatch.setattr(engine, "_POSITION_ONE_STATEMENT_AT", one_statement_at)
    used = []
    monkeypatch.setattr(engine, "_statement_positions", lambda *args: used.append(STATEMENT_POSITIONS(*args)) or used[-1])
    result = lint_source(source, name, Settings(codes=ALL))
    return [(d.code, d.location, d.end_location) for d in result.diagnostics], bool(used and used[-1])


def test_positions_per_statement_equal_whole_module_positions(monkeypatch):
    """Padded to many module-level statements, every example is located as when the whole module
    gets positions."""
    checked = per_statement = 0
    for source, name in [*sources(), (b"import torch\nimport torch.nn as nn\n" + DECORATED.encode(), "decorated.py")]:
        for padded in (source + b"\n" + PADDING.encode(), PADDING.encode() + source):
            whole, _ = _positions(padded, name, 10**9, monkeypatch)
            fast, used = _positions(padded, name, 1, monkeypatch)
            assert fast == whole, name
            checked += bool(whole)
            per_statement += bool(whole) and used
    # Findings made outside any statement (at the end of the module) fall back to whole positions.
    assert checked > 100 and per_statement > 0.9 * checked


@pytest.mark.skipif(not (CORPUS / "keras").is_dir(), reason="the fetched corpus is not beside the checkout")
def test_positions_per_statement_on_the_corpus_files_with_findings(monkeypatch):
    files = [CORPUS / line.split(":")[0] for line in (
        "tensorflow_addons/tensorflow_addons/losses/triplet.py", "kornia/kornia/losses/divergence.py",
        "tensorflow_addons/tensorflow_addons/losses/lifted.py", "keras/keras/src/losses/losses.py",
        "pytorch_metric_learning/pytorch_metric_learning/losses/manifold_loss.py")]
    for path in files:
        source = path.read_bytes()
        whole, _ = _positions(source, str(path), 10**9, monkeypatch)
        assert whole and _positions(source, str(path), 1, monkeypatch) == (whole, True), path


@pytest.mark.parametrize("name", [
    "dice_loss", "SoftDice", "DiceLoss", "KLDivLoss", "kl_div", "kld", "KLD", "soft_dice", "dices", "DICE_LOSS",
    "ce_loss", "CE", "DiCE", "CategoricalCE", "mae", "MAE_loss", "L2Regularizer", "ActivityRegularization",
    "infonce", "elbo", "neg_elbo", "xent", "crossentropy", "focal", "nll", "mse"])
def test_the_prefilter_finds_every_loss_word_the_vocabulary_finds(name):
    from losslint.core import vocabulary as V
    assert V.loss_named(name)
    assert engine.LOSS_TEXT.search(name.encode()), name


@pytest.mark.parametrize("name", ["indices", "sklearn", "face", "ankle", "klass", "device", "TRACE", "slice"])
def test_the_prefilter_skips_short_words_inside_other_words(name):
    from losslint.core import vocabulary as V
    assert not V.loss_named(name)
    assert not engine.LOSS_TEXT.search(name.encode()), name


def test_reduction_keeps_every_definition_of_a_file_named_for_losses():
    # A file's name makes each of its functions a candidate, whatever the function's own text says.
    source = b'''import torch


class Problem:
    def _s(self, X: torch.Tensor):
        return 1 - X[..., 0].sqrt()


class Other(Problem):
    def _s(self, X: torch.Tensor):
        return 1 - X[..., 1].sqrt()

    def evaluate(self, x):
        return self._s(x)
'''
    full = findings(source, "pkg/losses.py", False)
    assert full, "the file's name makes its functions loss code"
    assert findings(source, "pkg/losses.py", True) == full


def test_reduction_keeps_a_method_reading_what_init_sets_to_a_loss():
    # compute() names no loss word: it is loss code through self.crit, which __init__ sets to a loss.
    source = b'''import torch
import torch.nn as nn


class Model:
    def __init__(self):
        self.crit = nn.BCELoss()

    def compute(self, p, y):
        return self.crit(torch.sigmoid(p), y)
'''
    full = findings(source, "model.py", False)
    assert [code for code, *_ in full] == ["LL218"]
    assert findings(source, "model.py", True) == full


def test_reduction_judges_code_by_what_it_spells_not_by_its_docstrings():
    from losslint.core.reduce import reduce_source

    text = '''import torch


def scale(x):
    """Scale the logits before the loss."""  # the loss is computed elsewhere
    return x * 2


def focal(x):
    return torch.log(x)
'''
    reduced = reduce_source(text, lambda block: False, keep_name=engine._names_loss)
    assert "def scale" not in reduced and "def focal" in reduced
    assert reduced.count("\n") == text.count("\n")  # every kept line stays where it was
