"""Generated programs: no exception escapes, no internal error, and every --fix result compiles
and is a fixed point (a second --fix changes nothing).

A default run tries a few hundred programs; ``pytest -m slow`` runs the same checks on thousands.
LOSSLINT_FUZZ_EXAMPLES sets the default run's number per test.
"""

from __future__ import annotations

import os
import textwrap
import warnings

import libcst as cst
import pytest

hypothesis = pytest.importorskip("hypothesis")
hypothesmith = pytest.importorskip("hypothesmith")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from losslint.engine import Settings, fix_source, lint_source  # noqa: E402
from losslint.rules import all_rules  # noqa: E402

# The generator compiles what it makes; CPython warns about code such as ``1()``.
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")
EXAMPLES = int(os.environ.get("LOSSLINT_FUZZ_EXAMPLES", "100"))
GRAMMAR = hypothesmith.from_grammar()  # built once: building it costs more than drawing from it
SLOW_EXAMPLES = 2500
ALL = Settings(codes=frozenset(all_rules()))
# Generated code rarely touches a framework: a loss-shaped header makes every rule look at it.
HEADER = "import torch\nimport tensorflow as tf\nimport numpy as np\n\n\ndef fuzz_loss(pred, target):\n    return torch.log(pred)\n\n\n"
LOSSY = st.sampled_from([
    "torch.log(p)", "torch.log(1 + p)", "torch.exp(p) - 1", "p / p.sum()", "torch.sqrt(p)", "p ** 0.5",
    "torch.where(p > 0.5, p, 0.0)", "torch.where(p > 0, torch.log(p), 0)", "np.log(p)", "p.clamp_(0, 1)",
    "torch.log(torch.sigmoid(p))", "torch.log(torch.softmax(p, -1))", "torch.log(1 + torch.exp(p))",
    "1e-8 * p.mean() + 1e8 * p.sum()", "(p * (t > 0)).mean()", "p.detach()", "p.item()", "round(p)",
    "torch.sqrt(p if t else -p)", "torch.log(p.clamp(min=0))", "torch.acos(p.clamp(-1, 1))",
    "tf.math.log(tf.maximum(p, 0.0))", "tf.reduce_sum(p * t) / tf.reduce_sum(t)", "torch.log(1 +  # c\n        p)",
])


def _fine(result) -> None:
    assert not any(d.message.startswith("internal error") for d in result.diagnostics), result.diagnostics


def check(source: str) -> None:
    data = source.encode("utf-8", "surrogatepass")
    _fine(lint_source(data, "fuzz.py", ALL, with_edits=True))
    fixed = fix_source(data, "fuzz.py", ALL, unsafe=True)
    _fine(fixed)
    if fixed.fixed is not None:
        cst.parse_module(fixed.fixed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)
            compile(fixed.fixed, "fuzz.py", "exec")
        again = fix_source(fixed.fixed, "fuzz.py", ALL, unsafe=True)
        assert again.fixed is None, f"a second --fix changed the result:\n{fixed.fixed.decode()}"


def _compiles(source: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)  # "'int' object is not callable" and the like
            compile(source, "fuzz.py", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False  # the grammar can produce code CPython rejects
    return True


@st.composite
def in_a_loss(draw) -> str:
    """A generated program as the body of a loss function, with lossy expressions around it."""
    program = draw(GRAMMAR)
    expressions = draw(st.lists(LOSSY, min_size=1, max_size=3))
    lines = "".join(f"    v{i} = {e}\n" for i, e in enumerate(expressions))
    return f"{HEADER}def generated_loss(p, t):\n{lines}{textwrap.indent(program, '    ')}\n    return v0\n"


def _programs(examples: int):
    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck))
    @given(GRAMMAR)
    def programs(source):
        if _compiles(source):
            check(HEADER + source)
    return programs


def _loss_programs(examples: int):
    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck))
    @given(in_a_loss())
    def loss_programs(source):
        if _compiles(source):
            check(source)
    return loss_programs


def _losses(examples: int):
    @settings(max_examples=examples, deadline=None)
    @given(st.lists(LOSSY, min_size=1, max_size=6))
    def losses(expressions):
        body = "".join(f"    v{i} = {e}\n" for i, e in enumerate(expressions))
        check(f"{HEADER}def generated_loss(p, t):\n{body}    return v0\n")
    return losses


def test_generated_programs():
    _programs(EXAMPLES)()


def test_generated_programs_inside_a_loss():
    _loss_programs(EXAMPLES)()


def test_generated_losses():
    _losses(EXAMPLES)()


@pytest.mark.slow
@pytest.mark.parametrize("campaign", [_programs, _loss_programs, _losses], ids=["programs", "in-a-loss", "losses"])
def test_thousands_of_generated_programs(campaign):
    campaign(SLOW_EXAMPLES)()
