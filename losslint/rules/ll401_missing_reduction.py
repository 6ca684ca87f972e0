import re

import libcst as cst

from losslint.rules.base import ANYWHERE, Rule


class MissingReduction(Rule):
    """LL401: ``.backward()`` on a loss that was never reduced to a scalar."""

    code = "LL401"
    name = "missing-reduction"
    summary = "`.backward()` on an unreduced, per-element loss"
    runs_in = ANYWHERE
    file_level = True
    trigger = re.compile(rb"backward")

    def visit_Call(self, call: cst.Call) -> None:
        func = call.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "backward") or call.args:
            return  # .backward(gradient) is how a non-scalar is backpropagated on purpose
        if self.facts.is_module_name(func.value) or not self.facts.is_elementwise(func.value):
            return
        self.report(call, "`.backward()` on a loss that is still per-element (no mean/sum, or "
                          "reduction=\"none\" never reduced): autograd raises \"grad can be implicitly created "
                          "only for scalar outputs\"; reduce it (`.mean()`) first")
