import re

import libcst as cst

from losslint.core.syntax import is_number
from losslint.diagnostics import Applicability, Fix
from losslint.fixes import as_receiver, strip_parens
from losslint.rules._triggers import all_of, EXP_WORD
from losslint.rules.base import ANYWHERE, Rule

NO_EXPM1 = ("K.",)  # keras.backend has no expm1
RESPELL = {"tf.exp": "math.expm1"}


class Expm1(Rule):
    """LL212: ``exp(x) - 1`` cancels for small ``x``; ``expm1(x)`` is exact."""

    code = "LL212"
    name = "expm1"
    summary = "`exp(x) - 1` loses small `x` to cancellation; use `expm1(x)`"
    runs_in = ANYWHERE
    fix_applicability = Applicability.SAFE
    trigger = all_of(b"exp", EXP_WORD, re.compile(rb"-\s*1(?:\.0*)?\b"))

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if not isinstance(node.operator, cst.Subtract) or not is_number(node.right, 1):
            return
        exp = node.left
        if not isinstance(exp, cst.Call) or exp.lpar:
            return
        meaning = self.facts.meaning(exp)
        if meaning is None or meaning.op.name != "exp":
            return
        operands = self.facts.operands(exp)
        if len(operands) != 1:
            return
        self.report(node, "`exp(x) - 1` cancels to 0 for small `x` in float32; use `expm1(x)`",
                    fix=self._fix(node, exp, operands[0], meaning))

    def _fix(self, node, exp: cst.Call, x: cst.BaseExpression, meaning) -> Fix | None:
        if meaning.receiver is not None:  # x.exp() - 1 -> x.expm1()
            new = cst.Call(cst.Attribute(as_receiver(x), cst.Name("expm1")))
        elif meaning.spelling.startswith(NO_EXPM1) or not isinstance(exp.func, cst.Attribute):
            return None
        else:
            respelled = RESPELL.get(meaning.spelling)
            func = (cst.parse_expression(f"{cst.Module([]).code_for_node(exp.func.value)}.{respelled}")
                    if respelled else exp.func.with_changes(attr=cst.Name("expm1")))
            new = exp.with_changes(func=func, args=[exp.args[0].with_changes(value=strip_parens(x))])
        return Fix("Use `expm1`", Applicability.SAFE, [(node, new.with_changes(lpar=node.lpar, rpar=node.rpar))])
