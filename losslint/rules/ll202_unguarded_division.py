import re

import libcst as cst

from losslint import fixes
from losslint.core.interval import UNKNOWN
from losslint.core.walk import iter_nodes
from losslint.diagnostics import Applicability, Fix
from losslint.rules.base import LOSS, Rule

EPS = 1e-7
DIVIDE_OPS = {"torch.div", "torch.divide", "torch.true_divide", "tf.math.divide", "tf.divide", "tf.realdiv",
              "tf.math.truediv", "tf.truediv", "keras.ops.divide", "keras.ops.true_divide", ".div", ".divide",
              ".true_divide"}
RECIPROCAL = {"torch.reciprocal", "tf.math.reciprocal", "tf.math.reciprocal_no_nan", "keras.ops.reciprocal",
              ".reciprocal"}


class UnguardedDivision(Rule):
    """LL202: division by a value the analysis shows can be zero (a mask sum, a norm, a std)."""

    code = "LL202"
    name = "unguarded-division"
    summary = "division by a value that may be zero"
    runs_in = LOSS
    fix_applicability = Applicability.UNSAFE
    trigger = re.compile(rb"/|div|reciprocal")

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if isinstance(node.operator, cst.Divide):
            self._check(node, node.left, node.right)

    def visit_Call(self, call: cst.Call) -> None:
        qualified = self.facts.imports.qualify(call.func)
        spelling = qualified or (f".{call.func.attr.value}" if isinstance(call.func, cst.Attribute)
                                 and not self.facts.is_module_name(call.func.value) else None)
        operands = [a.value for a in call.args if a.keyword is None]
        if spelling in DIVIDE_OPS:
            if spelling.startswith("."):
                operands = [call.func.value, *operands]
            if len(operands) == 2 and len(call.args) == 2 - spelling.startswith("."):
                self._check(call, operands[0], operands[1])
        elif spelling in RECIPROCAL and spelling != "tf.math.reciprocal_no_nan":
            operand = call.func.value if spelling.startswith(".") else (operands[0] if operands else None)
            if operand is not None:
                self._check(call, None, operand)

    def _check(self, node: cst.CSTNode, numerator, divisor: cst.BaseExpression) -> None:
        if not self.facts.is_tensor_like(divisor) or not self.facts.hazard_applies(divisor):
            return  # Python numbers raise ZeroDivisionError instead of returning inf
        value = self.facts.range(divisor)
        # Only a divisor known to reach zero: an opaque value (``x / temperature``) is the caller's contract.
        if value == UNKNOWN or not value.may_be_zero or self.facts.is_eps_guarded(divisor):
            return
        if not self.facts.carries_gradient(divisor) and self.facts.infinities_repaired():
            # w = 1 / count; w[isinf(w)] = 0: the inf is expected and replaced (with a gradient through
            # the divisor, 0 / 0 in the backward pass would still be NaN)
            return
        self.report(node, "division by a value that may be zero (a sum of a mask, a norm, a count, a std): inf or "
                          "NaN in the loss and its gradient; clamp the divisor or use divide_no_nan",
                    fix=self._fix(node, numerator, divisor, value.is_nonnegative))

    def _fix(self, node, numerator, divisor: cst.BaseExpression, nonnegative: bool) -> Fix | None:
        framework = self._framework()
        if framework == "torch" and not fixes.made_by_framework(divisor, self.facts):
            return None  # a divisor that may be a Python number has no ``.clamp``
        eps = self.facts.eps_expression() or fixes.number(EPS)
        existing = fixes.clamp_bounds(divisor, self.facts)
        if framework == "torch" and nonnegative and existing is not None:  # raise the floor it has
            floor = existing[0].value if existing[0] is not None else None
            raised = eps if floor is None else fixes.raised_floor(floor, eps, self.facts)
            if raised is None:
                return None
            return Fix(f"Clamp the divisor to at least {cst.Module([]).code_for_node(eps)}", Applicability.UNSAFE,
                       [(divisor, fixes.with_bound(divisor, existing[0], raised))])
        if framework == "torch" and nonnegative:
            guarded = fixes.call(cst.Attribute(fixes.as_receiver(divisor), cst.Name("clamp")), min=eps)
            return Fix(f"Clamp the divisor to at least {cst.Module([]).code_for_node(eps)}", Applicability.UNSAFE,
                       [(divisor, guarded)])
        if framework in ("tf", "keras") and isinstance(node, cst.BinaryOperation) and numerator is not None \
                and self._masked_alike(numerator, divisor):
            # 0 where the divisor is 0 is the limit only when the numerator is 0 there too (a masked
            # mean over an empty mask); elsewhere x / 0 is a huge value, and 0 in its place is wrong.
            spelling = "tf.math.divide_no_nan" if framework == "tf" else "keras.ops.divide_no_nan"
            func, imports = fixes.spell(spelling, self.facts)
            new = fixes.call(func, numerator, divisor).with_changes(lpar=node.lpar, rpar=node.rpar)
            return Fix(f"Use `{spelling}`", Applicability.UNSAFE, [(node, new)], imports)
        if framework in ("tf", "keras") and nonnegative and existing is None:
            func, imports = fixes.spell("tf.maximum" if framework == "tf" else "keras.ops.maximum", self.facts)
            return Fix(f"Floor the divisor at {cst.Module([]).code_for_node(eps)}", Applicability.UNSAFE,
                       [(divisor, fixes.call(func, divisor, eps))], imports)
        return None

    def _masked_alike(self, numerator: cst.BaseExpression, divisor: cst.BaseExpression) -> bool:
        """Is the divisor the sum of a mask that also multiplies the numerator (``sum(m * x) / sum(m)``)?"""
        produced = self.facts.producer(divisor, "sum")  # the sum itself, or the one a local name holds
        if produced is None:
            return False
        operands = self.facts.operands(produced[0])
        if len(operands) != 1:
            return False
        code = cst.Module([]).code_for_node
        mask = code(fixes.strip_parens(operands[0]))
        return any(isinstance(n, cst.BinaryOperation) and isinstance(n.operator, cst.Multiply)
                   and mask in (code(fixes.strip_parens(n.left)), code(fixes.strip_parens(n.right)))
                   for n in (numerator, *iter_nodes(numerator)))

    def _framework(self) -> str | None:
        frameworks = self.facts.frameworks() - {"numpy", "math"}
        if "torch" in frameworks and len(frameworks) == 1:
            return "torch"
        if "tf" in frameworks:
            return "tf"
        if "keras" in frameworks:
            return "keras"
        return None
