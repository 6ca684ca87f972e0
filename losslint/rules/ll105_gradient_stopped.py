import re

import libcst as cst

from losslint.rules.base import LOSS, Rule

STOPS = {"tf.stop_gradient", "keras.ops.stop_gradient", "K.stop_gradient", "jax.lax.stop_gradient"}


class GradientStopped(Rule):
    """LL105: a stop-gradient on the prediction itself, on its way to the returned loss."""

    code = "LL105"
    name = "gradient-stopped"
    summary = "the prediction is detached (stop-gradient) on its way to the loss"
    runs_in = LOSS
    default_enabled = False
    trigger = re.compile(rb"detach|\.data\b|stop_gradient")

    def visit_Call(self, call: cst.Call) -> None:
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value == "detach" and not call.args:
            self._check(call, func.value, ".detach()")
            return
        if self.facts.imports.qualify(func) in STOPS and call.args:
            self._check(call, call.args[0].value, "stop_gradient")

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value == "data":
            self._check(node, node.value, ".data")

    def _check(self, node, value: cst.BaseExpression, what: str) -> None:
        # The prediction itself, by its name: a teacher, an EMA target or a detached weight is deliberate.
        if not isinstance(value, cst.Name) or value.value not in self._predictions():
            return
        if not self.facts.on_loss_path(node):
            return
        self.report(node, f"`{what}` on the prediction `{value.value}` on its way to the loss: no gradient reaches "
                          f"the model through this term; remove it (a stop-gradient belongs on the target or "
                          f"teacher side)")

    def _predictions(self) -> set[str]:
        names: set[str] = set()
        scope = self.facts.function
        while scope is not None:
            names |= self.facts.prediction_parameters(scope)
            scope = scope.parent
        env = self.facts.env()
        return {n for n in names if n not in env}  # still the argument, not rebound
