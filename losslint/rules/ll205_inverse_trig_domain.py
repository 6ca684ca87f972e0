import re

import libcst as cst

from losslint import fixes
from losslint.diagnostics import Applicability, Fix
from losslint.rules.base import LOSS, Rule

MARGIN = 1e-7  # 1 - 1e-7 is below 1 in float32; acos' gradient there is about -2e3, finite
CLIP = {"torch": None, "tensor": None, "tf": "tf.clip_by_value", "keras": "keras.ops.clip"}


class InverseTrigDomain(Rule):
    """LL205: acos/asin/atanh of a value that may reach +-1, where the gradient is infinite."""

    code = "LL205"
    name = "inverse-trig-domain"
    summary = "acos/asin/atanh of a value that may reach +-1: infinite gradient"
    runs_in = LOSS
    fix_applicability = Applicability.UNSAFE
    trigger = re.compile(rb"acos|asin|atanh|arccos|arcsin|arctanh")

    def visit_Call(self, call: cst.Call) -> None:
        meaning = self.facts.meaning(call)
        if meaning is None or meaning.op.domain != "unit" or meaning.framework in ("math", "builtin", "numpy"):
            return
        operands = self.facts.operands(call)
        if len(operands) != 1 or not self.facts.gradient_enabled or not self.facts.range(operands[0]).may_reach_unit \
                or not self.facts.hazard_applies(operands[0], gradient_only=True):
            return
        name = meaning.op.name
        self.report(call, f"`{name}` of a value that may reach +-1 (a cosine similarity does, for parallel "
                          f"vectors): the gradient 1/sqrt(1 - x^2) is inf there; clamp to (-1 + eps, 1 - eps)",
                    fix=self._fix(call, operands[0], meaning))

    def _fix(self, call: cst.Call, x: cst.BaseExpression, meaning) -> Fix | None:
        low, high = cst.parse_expression(f"-1 + {MARGIN:.0e}".replace("e-0", "e-")), \
            cst.parse_expression(f"1 - {MARGIN:.0e}".replace("e-0", "e-"))
        imports = []
        existing = fixes.clamp_bounds(x, self.facts)
        if existing is not None and all(b is not None and fixes.is_literal_number(b.value) for b in existing):
            clamped = fixes.with_bound(fixes.with_bound(x, existing[0], low), existing[1], high)  # narrow that clamp
        elif meaning.framework in ("torch", "tensor"):
            clamped = fixes.call(cst.Attribute(fixes.as_receiver(x), cst.Name("clamp")), low, high)
        elif CLIP.get(meaning.framework):
            func, imports = fixes.spell(CLIP[meaning.framework], self.facts)
            clamped = fixes.call(func, x, low, high)
        else:
            return None
        new = fixes.with_operand(call, x, clamped, meaning.receiver is not None)
        return Fix("Clamp the argument to (-1 + 1e-7, 1 - 1e-7)", Applicability.UNSAFE, [(call, new)], imports)
