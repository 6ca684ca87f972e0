import re

import libcst as cst

from losslint.core.syntax import one_minus
from losslint.rules.base import LOSS, Rule


class FractionalPowNegativeBase(Rule):
    """LL206: ``x ** a`` with a non-integer ``a`` where ``x`` may be negative: NaN."""

    code = "LL206"
    name = "fractional-pow-negative-base"
    summary = "`x ** a` with fractional `a` of a value that may be negative is NaN"
    runs_in = LOSS
    trigger = re.compile(rb"\*\*|pow")

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        # Not limited to tensors: on a Python float the result is a complex number, just as wrong.
        if isinstance(node.operator, cst.Power):
            self._check(node, node.left, node.right)

    def visit_Call(self, call: cst.Call) -> None:
        meaning = self.facts.meaning(call)
        if meaning is None or meaning.op.name != "pow" or meaning.framework in ("math", "builtin", "numpy"):
            return
        operands = self.facts.operands(call)
        exponent = operands[1] if len(operands) == 2 else next(
            (a.value for a in call.args if a.keyword and a.keyword.value == "exponent"), None)
        if operands and exponent is not None:
            self._check(call, operands[0], exponent)

    def _check(self, node: cst.CSTNode, base: cst.BaseExpression, exponent: cst.BaseExpression) -> None:
        power = self.facts.range(exponent)
        # x ** 0.5 is a square root: LL203 reports it (zero and negative bases alike).
        if not power.is_constant or float(power.lo).is_integer() or power.lo == 0.5:
            return
        # A complement ``1 - x`` (of a probability, a dice ratio) is in [0, 1] by the author's convention.
        if not self.facts.range(base).may_be_negative or one_minus(base) is not None \
                or not self.facts.hazard_applies(base):
            return
        self.report(node, f"`x ** {power.lo:g}` of a value that may be negative is NaN (a fractional power of a "
                          f"negative number has no real value); apply it to `abs(x)` or clamp x to >= 0, and "
                          f"restore the sign if it matters")
