
import libcst as cst

from losslint import fixes
from losslint.core.syntax import one_minus
from losslint.diagnostics import Applicability, Fix
from losslint.rules._triggers import all_of, LOG_WORD
from losslint.rules.base import ANYWHERE, Rule

LOGSIGMOID = {"torch": "F.logsigmoid", "tensor": "F.logsigmoid", "tf": "tf.math.log_sigmoid",
              "keras": "keras.ops.log_sigmoid"}


class LogSigmoid(Rule):
    """LL213: ``log(sigmoid(x))`` is -inf once sigmoid saturates; ``logsigmoid(x)`` is exact."""

    code = "LL213"
    name = "logsigmoid"
    summary = "`log(sigmoid(x))` saturates to -inf; use `logsigmoid(x)`"
    runs_in = ANYWHERE
    fix_applicability = Applicability.SAFE
    trigger = all_of(b"sigmoid", LOG_WORD)
    supersedes = ("LL201",)

    def visit_Call(self, call: cst.Call) -> None:
        found = self.facts.single_operand(call, ("log",))
        if found is None:
            return
        meaning, arg = found
        complement = one_minus(arg)  # log(1 - sigmoid(x)) == logsigmoid(-x)
        negate = complement is not None
        arg = complement if negate else arg
        found = self.facts.producer(arg, "sigmoid")
        if found is None:
            return
        sigmoid, movable = found
        inner = self.facts.operands(sigmoid)
        if len(inner) != 1:
            return
        what = "log(1 - sigmoid(x))" if negate else "log(sigmoid(x))"
        use = "logsigmoid(-x)" if negate else "logsigmoid(x)"
        self.report(call, f"`{what}` is -inf once sigmoid saturates (|x| > 17 in float32) and its gradient is "
                          f"NaN; use `{use}`",
                    fix=self._fix(call, inner[0], negate, meaning.framework) if movable else None)

    def _fix(self, call: cst.Call, x: cst.BaseExpression, negate: bool, framework: str) -> Fix | None:
        spelling = LOGSIGMOID.get(framework)
        if spelling is None or self.facts.meaning(call).spelling.startswith("K."):
            return None
        func, imports = fixes.spell(spelling, self.facts)
        x = fixes.strip_parens(x)
        if negate:
            x = cst.UnaryOperation(cst.Minus(), fixes.as_receiver(x))
        name = cst.Module([]).code_for_node(func)
        return Fix(f"Use `{name}`", Applicability.SAFE, [(call, fixes.call(func, x))], imports)
