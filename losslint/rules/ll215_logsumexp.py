import libcst as cst

from losslint import fixes
from losslint.diagnostics import Applicability, Fix
from losslint.rules._exp_sums import exp_of, max_shifted, sum_parts
from losslint.rules._triggers import all_of, EXP_WORD, LOG_WORD
from losslint.rules.base import ANYWHERE, Rule

LOGSUMEXP = {"torch": ("torch.logsumexp", "dim", "keepdim", True), "tensor": (".logsumexp", "dim", "keepdim", True),
             "tf": ("tf.math.reduce_logsumexp", "axis", "keepdims", False),
             "keras": ("keras.ops.logsumexp", "axis", "keepdims", False)}


class LogSumExp(Rule):
    """LL215: ``log(sum(exp(x)))`` overflows; ``logsumexp(x)`` does not."""

    code = "LL215"
    name = "logsumexp"
    summary = "`log(sum(exp(x)))` overflows to inf; use `logsumexp(x)`"
    runs_in = ANYWHERE
    fix_applicability = Applicability.SAFE
    trigger = all_of(b"sum", b"exp", b"log", LOG_WORD, EXP_WORD)
    supersedes = ("LL201", "LL204")

    def visit_Call(self, call: cst.Call) -> None:
        log = self.facts.single_operand(call, ("log",))
        if log is None:
            return
        parts = sum_parts(log[1], self.facts)
        if parts is None:
            return
        summed, axis, keep, sum_call = parts
        exp = exp_of(summed, self.facts)
        if exp is None or max_shifted(exp.argument, self.facts, exp.env):
            return  # (a never-positive exponent is still a finding: all terms can underflow to log(0))
        self.report(call, "`log(sum(exp(x)))` overflows to inf once one `exp(x)` does (x > 88 in float32); "
                          "use `logsumexp(x)` over the same axis",
                    fix=self._fix(call, exp.argument, axis, keep) if exp.movable else None)

    def _fix(self, call: cst.Call, x, axis: cst.Arg | None, keep: cst.Arg | None) -> Fix | None:
        framework = self.facts.meaning(call).framework
        if framework not in LOGSUMEXP or self.facts.meaning(call).spelling.startswith("K."):
            return None
        spelling, axis_name, keep_name, axis_required = LOGSUMEXP[framework]
        if axis is None and axis_required:
            return None  # torch.logsumexp needs the dims spelled out
        kwargs = {}
        if axis is not None:
            kwargs[axis_name] = axis.value
        if keep is not None:
            kwargs[keep_name] = keep.value
        if spelling.startswith("."):
            func = cst.Attribute(fixes.as_receiver(x), cst.Name(spelling[1:]))
            return Fix("Use `.logsumexp()`", Applicability.SAFE, [(call, fixes.call(func, **kwargs))])
        func, imports = fixes.spell(spelling, self.facts)
        return Fix(f"Use `{spelling}`", Applicability.SAFE, [(call, fixes.call(func, x, **kwargs))], imports)
