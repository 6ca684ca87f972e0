import re

import libcst as cst

from losslint import fixes
from losslint.diagnostics import Applicability, Fix
from losslint.rules.base import LOSS, Rule

LOG_OPS = {"log", "log2", "log10"}
EPS = 1e-7  # representable in float32 and far above its smallest normal number


class UnguardedLog(Rule):
    """LL201: log of a value that may be zero or negative."""

    code = "LL201"
    name = "unguarded-log"
    summary = "log of a value that may be zero or negative"
    runs_in = LOSS
    fix_applicability = Applicability.UNSAFE
    trigger = re.compile(rb"log")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._floored: set[int] = set()  # calls whose result a clamp from below takes as it is

    def visit_Call(self, call: cst.Call) -> None:
        bounds = fixes.clamp_bounds(call, self.facts)
        if bounds is not None and bounds[0] is not None:
            operands = self.facts.operands(call)
            if operands:
                self._floored.add(id(fixes.strip_parens(operands[0])))
        found = self.facts.single_operand(call, LOG_OPS)
        # math.log raises on 0 instead of returning -inf: not a silent NaN. numpy in loss code is LL501.
        if found is None or found[0].framework in ("math", "builtin", "numpy"):
            return
        meaning, arg = found
        if not self.facts.hazard_applies(arg):
            return
        value = self.facts.range(arg)
        if not value.may_be_nonpositive or self.facts.is_eps_guarded(arg) or self.facts.proven_nonzero(arg):
            return  # the author tested it against zero: a count or a probability
        if id(call) in self._floored and not self.facts.carries_gradient(call):
            return  # log(w).clamp(min=1e-12) with no gradient: the -inf is replaced before it is used
        what = "zero or negative" if value.may_be_negative else "zero"
        self.report(call, f"`{meaning.op.name}` of a value that may be {what}: -inf or NaN in the loss "
                          f"and its gradient; clamp it to a small positive floor",
                    fix=self._clamp_fix(call, arg, meaning.framework))

    def _clamp_fix(self, call: cst.Call, arg: cst.BaseExpression, framework: str) -> Fix | None:
        eps = self.facts.eps_expression() or fixes.number(EPS)
        imports = []
        existing = fixes.clamp_bounds(arg, self.facts)
        if existing is not None:  # already a clamp, to a floor that is too low: raise that floor
            floor = existing[0].value if existing[0] is not None else None
            raised = eps if floor is None else fixes.raised_floor(floor, eps, self.facts)
            if raised is None:
                return None
            guarded = fixes.with_bound(arg, existing[0], raised)
        elif framework in ("torch", "tensor"):
            guarded = fixes.call(cst.Attribute(fixes.as_receiver(arg), cst.Name("clamp")), min=eps)
        elif framework in ("tf", "keras"):
            spelling = "tf.maximum" if framework == "tf" else "keras.ops.maximum"
            if self.facts.meaning(call).spelling.startswith("K."):
                spelling = "K.maximum"
                eps = self.facts.eps_expression() or cst.parse_expression("K.epsilon()")
            func, imports = fixes.spell(spelling, self.facts)
            guarded = fixes.call(func, arg, eps)
        else:
            return None
        new_call = fixes.with_operand(call, arg, guarded, self.facts.meaning(call).receiver is not None)
        return Fix(f"Clamp the argument to at least {cst.Module([]).code_for_node(eps)}",
                   Applicability.UNSAFE, [(call, new_call)], imports)
