import re

import libcst as cst

from losslint import fixes
from losslint.core.names import dotted_name
from losslint.core.ranges import MASK_NAME
from losslint.diagnostics import Applicability, Fix
from losslint.rules.base import LOSS, Rule

CASTS = {"tf.cast", "keras.ops.cast", "K.cast"}
CAST_METHODS = {"float", "double", "half", "to", "type", "type_as", "long", "int", "bool"}


class MaskedMeanDenominator(Rule):
    """LL403: a mean of masked values divides by all elements, not by the mask's count."""

    code = "LL403"
    name = "masked-mean-denominator"
    summary = "a mean of masked values divides by all elements, not by the mask count"
    runs_in = LOSS
    fix_applicability = Applicability.UNSAFE
    trigger = re.compile(rb"mask|valid|[<>]=?|==|!=")

    def visit_Call(self, call: cst.Call) -> None:
        meaning = self.facts.meaning(call)
        if meaning is None or meaning.op.name != "mean" or meaning.framework not in ("torch", "tensor", "tf", "keras"):
            return
        operands = self.facts.operands(call)
        if not operands:
            return
        product = operands[0]
        if not (isinstance(product, cst.BinaryOperation) and isinstance(product.operator, cst.Multiply)):
            return
        mask = next((f for f in (product.right, product.left) if self._is_mask(f)), None)
        if mask is None:
            return
        full_mean = len(operands) == 1 and not any(a.keyword for a in call.args)
        self.report(call, "a mean of masked values divides by every element, masked ones included: the loss "
                          "shrinks with the share of masked elements; divide the sum by the mask's count",
                    fix=self._fix(call, product, mask, meaning.framework) if full_mean else None)

    def _is_mask(self, node: cst.BaseExpression, depth: int = 0) -> bool:
        """A mask-named value, a comparison, or a cast of one (also through a local name)."""
        inner = fixes.strip_parens(node)
        name = dotted_name(inner)
        if name is not None and MASK_NAME.search(name.split(".")[-1]):
            return True
        if isinstance(self.facts.comparison(inner), cst.Comparison):  # y > 0, tf.greater(y, 0)
            return True
        if isinstance(inner, cst.Call):
            qualified = self.facts.imports.qualify(inner.func)
            if qualified in CASTS and inner.args:
                return self._is_mask(inner.args[0].value, depth + 1)
            if isinstance(inner.func, cst.Attribute) and inner.func.attr.value in CAST_METHODS and qualified is None:
                return self._is_mask(inner.func.value, depth + 1)
        env = self.facts.env()
        if isinstance(inner, cst.Name) and depth < 3 and len(env.get(inner.value, ())) == 1 \
                and env[inner.value][0] != "outer":
            return self._is_mask(env[inner.value][0].value, depth + 1)
        return False

    def _fix(self, call: cst.Call, product: cst.BaseExpression, mask: cst.BaseExpression, framework: str) -> Fix | None:
        product = fixes.strip_parens(product)
        if framework in ("torch", "tensor"):
            total = cst.Call(cst.Attribute(fixes.as_receiver(product), cst.Name("sum")))
            count = cst.Call(cst.Attribute(cst.Call(cst.Attribute(fixes.as_receiver(mask), cst.Name("sum"))),
                                           cst.Name("clamp_min")), args=[cst.Arg(cst.Integer("1"))])
            imports = []
        elif framework in ("tf", "keras"):
            reduce_sum, maximum = ("tf.reduce_sum", "tf.maximum") if framework == "tf" else \
                ("keras.ops.sum", "keras.ops.maximum")
            sum_func, imports = fixes.spell(reduce_sum, self.facts)
            max_func, more = fixes.spell(maximum, self.facts)
            imports += more
            total = fixes.call(sum_func, product)
            count = fixes.call(max_func, fixes.call(sum_func, mask), cst.Float("1.0"))
        else:
            return None
        new = cst.BinaryOperation(total, cst.Divide(), count, lpar=call.lpar, rpar=call.rpar)
        return Fix("Divide the masked sum by the mask's count (at least 1)", Applicability.UNSAFE,
                   [(call, new)], imports)
