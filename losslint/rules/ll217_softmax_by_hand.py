import libcst as cst

from losslint import fixes
from losslint.diagnostics import Applicability, Fix
from losslint.rules._exp_sums import exp_of, is_true, max_shifted, sum_parts
from losslint.rules._triggers import all_of, EXP_WORD
from losslint.rules.base import ANYWHERE, Rule

SOFTMAX = {"torch": ("torch.softmax", "dim"), "tensor": ("torch.softmax", "dim"), "tf": ("tf.nn.softmax", "axis"),
           "keras": ("keras.ops.softmax", "axis")}


class SoftmaxByHand(Rule):
    """LL217: ``exp(x) / sum(exp(x))`` overflows; ``softmax(x)`` does not."""

    code = "LL217"
    name = "softmax-by-hand"
    summary = "`exp(x) / sum(exp(x))` overflows to NaN; use `softmax(x)`"
    runs_in = ANYWHERE
    fix_applicability = Applicability.SAFE
    trigger = all_of(b"sum", b"/", EXP_WORD)
    supersedes = ("LL202", "LL204")

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if not isinstance(node.operator, cst.Divide):
            return
        numerator = exp_of(node.left, self.facts)
        parts = sum_parts(node.right, self.facts)
        if numerator is None or parts is None:
            return
        summed, axis, keep, _ = parts
        denominator = exp_of(summed, self.facts)
        if denominator is None:
            return
        same = denominator.call is numerator.call or (
            denominator.movable and numerator.movable and denominator.argument.deep_equals(numerator.argument))
        if not same or max_shifted(numerator.argument, self.facts, numerator.env):
            return
        if self.facts.range_in(numerator.argument, numerator.env).hi <= 0:
            return  # a Gaussian kernel exp(-x**2 / 2s**2): cannot overflow
        self.report(node, "`exp(x) / sum(exp(x))` is inf / inf = NaN once one `exp(x)` overflows (x > 88 in "
                          "float32); use `softmax(x)` over the same axis",
                    fix=self._fix(node, numerator, axis, keep))

    def _fix(self, node, numerator, axis: cst.Arg | None, keep: cst.Arg | None) -> Fix | None:
        exp_call, x = numerator.call, numerator.argument
        framework = self.facts.meaning(exp_call).framework
        # Without keepdim the sum has lost the axis and broadcasts differently: no 1:1 rewrite; an
        # argument rebound since (``f = exp(f)``) means something else here.
        if framework not in SOFTMAX or axis is None or not is_true(keep) or not numerator.movable:
            return None
        spelling, axis_name = SOFTMAX[framework]
        func, imports = fixes.spell(spelling, self.facts)
        new = fixes.call(func, x, **{axis_name: axis.value}).with_changes(lpar=node.lpar, rpar=node.rpar)
        return Fix(f"Use `{spelling}`", Applicability.SAFE, [(node, new)], imports)
