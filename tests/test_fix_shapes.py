"""Fixes respect operator precedence, keep comments (or are not offered), converge in one run,
and raise an existing floor instead of clamping twice."""

from __future__ import annotations

import ast
import inspect
import textwrap
from pathlib import Path

import libcst as cst
import pytest

from losslint import fixes
from losslint.diagnostics import Applicability, Fix
from losslint.engine import Settings, fix_source, lint_source
from losslint.rules import all_rules

ALL = Settings(codes=frozenset(all_rules()))
ROOT = Path(__file__).resolve().parent.parent
HEAD = "import torch\nimport tensorflow as tf\n\n\ndef pair_loss(a, b, c):\n"


def fixed(body: str, head: str = HEAD, unsafe: bool = True) -> str:
    source = (head + textwrap.indent(textwrap.dedent(body).strip() + "\n", "    ")).encode()
    result = fix_source(source, "f.py", ALL, unsafe=unsafe)
    out = result.fixed if result.fixed is not None else source
    compile(out, "f.py", "exec")
    again = fix_source(out, "f.py", ALL, unsafe=unsafe)
    assert again.fixed is None, f"a second --fix changed:\n{again.fixed.decode()}"
    return out.decode()[len(head):]


@pytest.mark.parametrize("arg, guarded", [
    ("a if c else b", "(a if c else b) + 1e-8"),
    ("y := (a - b) ** 2", "(y := (a - b) ** 2) + 1e-8"),
    ("(a - b) ** 2 | c", "((a - b) ** 2 | c) + 1e-8"),
    ("(a - b) ** 2 & c", "((a - b) ** 2 & c) + 1e-8"),
    ("(a - b) ** 2 ^ c", "((a - b) ** 2 ^ c) + 1e-8"),
    ("(lambda: (a - b) ** 2)()", "(lambda: (a - b) ** 2)() + 1e-8"),
    ("(a - b) ** 2 * c", "(a - b) ** 2 * c + 1e-8"),
])
def test_sqrt_eps_is_added_to_the_whole_argument_once(arg, guarded):
    assert fixed(f"return torch.sqrt({arg}).mean()") == f"    return torch.sqrt({guarded}).mean()\n"


def test_eps_inside_a_method_receiver_and_a_power():
    assert fixed("return (a - b).pow(2).sum(-1).sqrt()") == "    return ((a - b).pow(2).sum(-1) + 1e-8).sqrt()\n"
    assert fixed("return torch.sum((a - b) ** 2, -1) ** 0.5") == "    return (torch.sum((a - b) ** 2, -1) + 1e-8) ** 0.5\n"


def test_a_fix_that_would_drop_a_comment_is_not_offered():
    body = "return torch.log(1 +  # keep\n    a.sigmoid())"
    assert fixed(body, unsafe=False) == "    return torch.log(1 +  # keep\n        a.sigmoid())\n"
    found = lint_source((HEAD + "    " + body.replace("\n", "\n    ") + "\n").encode(), "f.py", ALL).diagnostics
    assert [(d.code, d.fix) for d in found] == [("LL211", None)]


def test_a_comment_in_the_part_a_fix_keeps_is_kept():
    out = fixed("p = torch.sigmoid(a)\nreturn -torch.log(p[  # the positives\n    b > 0]).mean()")
    assert "# the positives" in out and ".clamp(min=1e-7)" in out


@pytest.mark.parametrize("arg, guarded", [
    ("a.clamp(min=0)", "a.clamp(min=1e-7)"),
    ("a.clamp(0, 1)", "a.clamp(1e-7, 1)"),
    ("a.clamp(max=1.0)", "a.clamp(max=1.0, min=1e-7)"),
    ("a.clamp_min(0)", "a.clamp_min(1e-7)"),
    ("torch.clamp(a, min=0.0)", "torch.clamp(a, min=1e-7)"),
    ("a.clamp(min=c)", "a.clamp(min=max(c, 1e-7))"),
])
def test_a_log_of_a_clamp_raises_its_floor_instead_of_clamping_again(arg, guarded):
    assert fixed(f"return torch.log({arg}).mean()") == f"    return torch.log({guarded}).mean()\n"


def test_tensorflow_floors_are_raised_too():
    assert fixed("return tf.math.log(tf.maximum(a, 0.0))") == "    return tf.math.log(tf.maximum(a, 1e-7))\n"
    assert fixed("return tf.math.acos(tf.clip_by_value(a, -1.0, 1.0))") == \
        "    return tf.math.acos(tf.clip_by_value(a, -1 + 1e-7, 1 - 1e-7))\n"


def test_inverse_trig_narrows_an_existing_clamp():
    assert fixed("return torch.acos(a.clamp(-1, 1)).mean()") == "    return torch.acos(a.clamp(-1 + 1e-7, 1 - 1e-7)).mean()\n"


def test_divide_no_nan_only_where_zero_is_the_limit():
    head = "import tensorflow as tf\n\n\ndef positive_loss(y_true, y_pred, x):\n"
    body = "positive = tf.cast(y_true > 0.5, tf.float32)\nn = tf.reduce_sum(positive)\n"
    masked = fixed(body + "return tf.reduce_sum(tf.abs(y_pred) * positive) / n", head)
    assert "tf.math.divide_no_nan(tf.reduce_sum(tf.abs(y_pred) * positive), n)" in masked
    # x / n grows without bound as n -> 0: 0 in its place would turn 1 / (x / n + eps) from ~0 into 1 / eps.
    unmasked = fixed(body + "return y_pred / (x / n + 1e-16)", head)
    assert "y_pred / (x / tf.maximum(n, 1e-7) + 1e-16)" in unmasked


def test_a_division_keeps_what_follows_it():
    head = "import tensorflow as tf\n\n\ndef positive_loss(y_true, y_pred):\n"
    body = "positive = tf.cast(y_true > 0.5, tf.float32)\n"
    out = fixed(body + "return tf.reduce_sum(y_pred * positive) / tf.reduce_sum(positive) + 1e-16", head)
    assert "tf.math.divide_no_nan(tf.reduce_sum(y_pred * positive), tf.reduce_sum(positive)) + 1e-16" in out


# -- the precedence table, checked against the parser ----------------------------------------------
class _StripParens(cst.CSTTransformer):
    """Every parenthesis a tree can lose (generator expressions need theirs; ``del`` targets mean
    something else without them)."""

    def on_leave(self, original, updated):
        if isinstance(getattr(updated, "lpar", None), (list, tuple)) and updated.lpar \
                and not isinstance(updated, cst.GeneratorExp) and "\n" not in _code(updated):  # lines need them
            try:
                return updated.with_changes(lpar=[], rpar=[])
            except cst.CSTValidationError:  # ``()``, ``if(x)``: libcst keeps these
                pass
        return updated

    def visit_Del(self, node) -> bool:
        return False


def _code(node) -> str:
    return cst.Module([]).code_for_node(node)


TRICKY = """
x = (-1) ** 2, -(1 ** 2), (a ** b) ** c, a ** (b ** c), (a - b) - c, a - (b - c), (not a) + b, not (a < b)
y = (a < b) < c, a < (b < c), (a or b) and c, a or (b or c), (a if b else c) if d else e, a if b else (c if d else e)
z = (lambda: a) if b else c, (lambda: (a, b)), f((a, b)), f(a=(y := 1)), [(y := 1)], (1).real, (1.5).real, (-a).abs()
w = (yield), x[(a, b)], x[(y := 1):2], {a: (y := 1)}, [*(a or b)], f(*(a or b)), (a + b).c, (a if b else c)()
v = [x for x in (a if b else c) if (lambda: x)], (await_ := a), ("a" "b").join(c), (a := 1) + 2, -(-a), ~(a + b)
def f(a=(y := 1), b=(lambda: 2)): return (y := a), (b, c)
assert (y := a), (b if c else d)
with (a if b else c) as d: pass
try: pass
except (ValueError, TypeError): pass
"""


def _sources():
    import dataclasses as stdlib_example

    yield "tricky", TRICKY
    yield "dataclasses", inspect.getsource(stdlib_example)
    for name in ("engine.py", "fixes.py", "parse.py", "runner.py", "core/facts.py", "core/ranges.py", "core/index.py"):
        yield name, (ROOT / "losslint" / name).read_text()


@pytest.mark.parametrize("name, source", list(_sources()), ids=lambda v: v if len(v) < 40 else "")
def test_parentheses_put_back_mean_the_same_tree(name, source):
    tree = cst.parse_module(source)
    stripped = tree.visit(_StripParens())
    restored = fixes.parenthesized(stripped)
    assert ast.dump(ast.parse(restored.code)) == ast.dump(ast.parse(source))


@pytest.mark.parametrize("name, source", list(_sources()), ids=lambda v: v if len(v) < 40 else "")
def test_parser_trees_need_no_parentheses(name, source):
    tree = cst.parse_module(source)
    assert fixes.parenthesized(tree).code == source


def test_fixes_that_do_not_settle_are_not_applied(monkeypatch):
    from losslint.rules.ll211_log1p import Log1p

    def rewrites_its_own_output(self, call):  # a fix whose result it flags again, forever
        if self.facts.op_name(call) == "log":
            value = call.args[0].value
            wrapped = value.with_changes(lpar=[cst.LeftParen(), *value.lpar], rpar=[*value.rpar, cst.RightParen()])
            self.report(call, "again", fix=Fix("again", Applicability.SAFE,
                                               [(call, call.with_changes(args=[call.args[0].with_changes(value=wrapped)]))]))
    monkeypatch.setattr(Log1p, "visit_Call", rewrites_its_own_output)
    source = (HEAD + "    return torch.log(1 + a)\n").encode()
    result = fix_source(source, "f.py", ALL)
    assert result.fixed is None and result.fixes_applied == 0
    assert any(d.message == "cannot fix: the fixes do not settle in 10 passes; the file is left as it was"
               for d in result.diagnostics)
