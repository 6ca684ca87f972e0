import re

import libcst as cst

from losslint import fixes
from losslint.diagnostics import Applicability, Fix
from losslint.rules._triggers import all_of, EXP_WORD
from losslint.rules.base import ANYWHERE, Rule
from losslint.core.syntax import one_plus

# softplus as each framework spells it; numpy has none, but logaddexp(0, x) is the same stable function.
SOFTPLUS = {"torch": "F.softplus", "tensor": "F.softplus", "tf": "tf.math.softplus", "keras": "keras.ops.softplus",
            "numpy": "np.logaddexp", "jax": None, "math": None, "builtin": None}


class Softplus(Rule):
    """LL216: ``log(1 + exp(x))`` overflows for large ``x``; ``softplus(x)`` does not."""

    code = "LL216"
    name = "softplus"
    summary = "`log(1 + exp(x))` overflows to inf; use `softplus(x)`"
    runs_in = ANYWHERE
    fix_applicability = Applicability.SAFE
    trigger = all_of(b"exp", b"log", EXP_WORD, re.compile(rb"\blog(?:1p)?\b"))
    supersedes = ("LL201", "LL204")

    def visit_Call(self, call: cst.Call) -> None:
        found = self.facts.single_operand(call, ("log", "log1p"))
        if found is None or (found[0].framework == "math" and len(call.args) != 1):
            return
        meaning = found[0]
        inner = found[1] if meaning.op.name == "log1p" else one_plus(found[1])
        if not isinstance(inner, cst.Call) or self.facts.op_name(inner) != "exp":
            return
        exp_operands = self.facts.operands(inner)
        if len(exp_operands) != 1:
            return
        z = exp_operands[0]
        if self.facts.range(z).hi <= 0:  # log(1 + exp(-|x|)): the tail of the stable form, written by hand
            return
        self.report(call, "`log(1 + exp(x))` overflows to inf once `exp(x)` does (x > 88 in float32), and a "
                          "clamp before it changes the values; use `softplus(x)`, which is exact and stable",
                    fix=self._fix(call, z, meaning.framework))

    def _fix(self, call: cst.Call, z: cst.BaseExpression, framework: str) -> Fix | None:
        spelling = SOFTPLUS.get(framework)
        if spelling is None:
            return None
        if self.facts.meaning(call).spelling.startswith("K."):
            spelling = "K.softplus"
        func, imports = fixes.spell(spelling, self.facts)
        args = (cst.Integer("0"), z) if spelling == "np.logaddexp" else (z,)
        name = cst.Module([]).code_for_node(func)
        return Fix(f"Use `{name}`", Applicability.SAFE, [(call, fixes.call(func, *args))], imports)
