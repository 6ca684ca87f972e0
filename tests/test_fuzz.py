"""Generated programs: no exception escapes, and fixed output always parses.

LOSSLINT_FUZZ_EXAMPLES raises the number of generated programs (the suite runs a bounded few).
"""

from __future__ import annotations

import os

import libcst as cst
import pytest

hypothesis = pytest.importorskip("hypothesis")
hypothesmith = pytest.importorskip("hypothesmith")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from losslint.engine import Settings, fix_source, lint_source  # noqa: E402
from losslint.rules import all_rules  # noqa: E402

EXAMPLES = int(os.environ.get("LOSSLINT_FUZZ_EXAMPLES", "40"))
ALL = Settings(codes=frozenset(all_rules()))
# Generated code rarely touches a framework: a loss-shaped header makes every rule look at it.
HEADER = "import torch\nimport tensorflow as tf\nimport numpy as np\n\n\ndef fuzz_loss(pred, target):\n    return torch.log(pred)\n\n\n"


def check(source: str) -> None:
    data = (HEADER + source).encode("utf-8", "surrogatepass")
    result = lint_source(data, "fuzz.py", ALL)
    assert all(not (d.message.startswith("internal error")) for d in result.diagnostics), result.diagnostics
    fixed = fix_source(data, "fuzz.py", ALL, unsafe=True)
    assert not any(d.message.startswith("internal error") for d in fixed.diagnostics)
    if fixed.fixed is not None:
        cst.parse_module(fixed.fixed)
        compile(fixed.fixed, "fuzz.py", "exec")


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(hypothesmith.from_grammar())
def test_generated_programs(source):
    try:
        compile(source, "fuzz.py", "exec")
    except (SyntaxError, ValueError):
        return  # the grammar can produce code CPython rejects
    check(source)


LOSSY = st.sampled_from([
    "torch.log(p)", "torch.log(1 + p)", "torch.exp(p) - 1", "p / p.sum()", "torch.sqrt(p)", "p ** 0.5",
    "torch.where(p > 0.5, p, 0.0)", "torch.where(p > 0, torch.log(p), 0)", "np.log(p)", "p.clamp_(0, 1)",
    "torch.log(torch.sigmoid(p))", "torch.log(torch.softmax(p, -1))", "torch.log(1 + torch.exp(p))",
    "1e-8 * p.mean() + 1e8 * p.sum()", "(p * (t > 0)).mean()", "p.detach()", "p.item()", "round(p)",
])


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(LOSSY, min_size=1, max_size=6))
def test_generated_losses(expressions):
    body = "".join(f"    v{i} = {e}\n" for i, e in enumerate(expressions))
    check(f"def generated_loss(p, t):\n{body}    return v0\n")
