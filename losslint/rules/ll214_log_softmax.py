import libcst as cst

from losslint.diagnostics import Applicability, Fix
from losslint.rules._triggers import all_of, LOG_WORD
from losslint.rules.base import ANYWHERE, Rule

# The log_softmax next to each softmax spelling; the same arguments carry over.
LOG_SOFTMAX = {"torch.softmax": "log_softmax", "F.softmax": "log_softmax", "torch.special.softmax": "log_softmax",
               "tf.nn.softmax": "log_softmax", "tf.math.softmax": "log_softmax", "keras.ops.softmax": "log_softmax",
               "keras.activations.softmax": "log_softmax", "jax.nn.softmax": "log_softmax", ".softmax": "log_softmax"}


class LogSoftmax(Rule):
    """LL214: ``log(softmax(x))`` is -inf once a probability underflows; ``log_softmax(x)`` is exact."""

    code = "LL214"
    name = "log-softmax"
    summary = "`log(softmax(x))` underflows to -inf; use `log_softmax(x)`"
    runs_in = ANYWHERE
    fix_applicability = Applicability.SAFE
    trigger = all_of(b"softmax", LOG_WORD)
    supersedes = ("LL201",)

    def visit_Call(self, call: cst.Call) -> None:
        log = self.facts.single_operand(call, ("log",))
        if log is None:
            return
        found = self.facts.producer(log[1], "softmax")
        if found is None:
            return
        softmax, movable = found
        self.report(call, "`log(softmax(x))` is -inf once a probability underflows to 0 (a logit gap above "
                          "~104 in float32) and its gradient is NaN; use `log_softmax(x)` with the same axis",
                    fix=self._fix(call, softmax) if movable else None)

    def _fix(self, call: cst.Call, softmax: cst.Call) -> Fix | None:
        meaning = self.facts.meaning(softmax)
        name = LOG_SOFTMAX.get(meaning.spelling)
        if name is None or not isinstance(softmax.func, cst.Attribute):
            return None
        new = softmax.with_changes(func=softmax.func.with_changes(attr=cst.Name(name)))
        return Fix("Use `log_softmax`", Applicability.SAFE, [(call, new.with_changes(lpar=call.lpar, rpar=call.rpar))])
