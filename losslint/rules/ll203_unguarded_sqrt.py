import re

import libcst as cst

from losslint import fixes
from losslint.diagnostics import Applicability, Fix
from losslint.rules.base import LOSS, Rule

EPS = 1e-8  # sqrt(eps) = 1e-4 where the value is 0; the gradient there is 1 / (2 sqrt(eps)) = 5e3, finite


class UnguardedSqrt(Rule):
    """LL203: sqrt of a value that may be zero: the gradient 1 / (2 sqrt(x)) is infinite there."""

    code = "LL203"
    name = "unguarded-sqrt"
    summary = "sqrt of a value that may be zero: infinite gradient"
    runs_in = LOSS
    fix_applicability = Applicability.UNSAFE
    trigger = re.compile(rb"sqrt|\*\*\s*0?\.5|pow")

    def visit_Call(self, call: cst.Call) -> None:
        meaning = self.facts.meaning(call)
        if meaning is None or meaning.framework in ("math", "builtin", "numpy"):
            return
        operands = self.facts.operands(call)
        if meaning.op.name in ("sqrt", "rsqrt") and len(operands) == 1:
            self._check(call, operands[0], meaning.op.name)
        elif meaning.op.name == "pow" and len(operands) == 2 and self._is_half(operands[1]):
            self._check(call, operands[0], "pow(x, 0.5)")

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if isinstance(node.operator, cst.Power) and self._is_half(node.right) and self.facts.is_tensor_like(node.left):
            self._check(node, node.left, "x ** 0.5")

    def _is_half(self, node: cst.BaseExpression) -> bool:
        value = self.facts.range(node)
        return value.is_constant and value.lo == 0.5

    def _check(self, node: cst.BaseExpression, arg: cst.BaseExpression, what: str) -> None:
        if not self.facts.gradient_enabled or not self.facts.hazard_applies(arg, gradient_only=True):
            return  # no gradient, no infinite gradient
        value = self.facts.range(arg)
        if (value.is_positive or self.facts.is_eps_guarded(arg)):
            return
        negative = " or negative" if value.may_be_negative else ""
        self.report(node, f"`{what}` of a value that may be zero{negative}: the gradient is inf there (NaN after "
                          f"the chain rule), e.g. the distance between identical embeddings; add a small eps inside",
                    fix=self._fix(arg))

    def _fix(self, arg: cst.BaseExpression) -> Fix:
        eps = self.facts.eps_expression() or fixes.number(EPS)
        # Parenthesized where it stands, like every fix (a receiver, a power's base, an ``a if c else b``).
        guarded = cst.BinaryOperation(fixes.strip_parens(arg), cst.Add(), eps)
        return Fix(f"Add {cst.Module([]).code_for_node(eps)} inside", Applicability.UNSAFE, [(arg, guarded)])
