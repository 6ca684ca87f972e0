import re

import libcst as cst

from losslint.rules.base import LOSS, Rule

CAST_METHODS = {"float", "double", "half", "long", "int", "to", "type"}
CASTS = {"tf.cast", "keras.ops.cast", "K.cast", "tf.dtypes.cast"}


class StepFunction(Rule):
    """LL103: a step function of the prediction on the way to the loss: its gradient is zero."""

    code = "LL103"
    name = "step-function"
    summary = "a step function (round, sign, argmax, a cast comparison) of the prediction in the loss"
    runs_in = LOSS
    trigger = re.compile(rb"round|floor|ceil|sign|sgn|argmax|argmin|cast|float\(\)|\.to\(|[<>]")

    def visit_Call(self, call: cst.Call) -> None:
        if not self.facts.gradient_enabled:
            return  # under no_grad the author turned the gradient off on purpose (L-Softmax's index k)
        meaning = self.facts.meaning(call)
        if meaning is not None and not meaning.op.differentiable:
            operands = self.facts.operands(call)
            if operands and self.facts.is_prediction_derived(operands[0]) and self.facts.gradient_lost_here(call):
                self.report(call, f"`{meaning.op.name}` of the prediction has a zero gradient (none, for argmax): "
                                  f"the loss cannot move the model through it; use a soft relaxation (softmax for "
                                  f"argmax, a sigmoid for a threshold, a straight-through estimator for rounding)")
            return
        comparison = self._cast_comparison(call)
        if comparison is not None and self._compares_prediction(comparison) and self.facts.gradient_lost_here(call):
            self.report(call, "a comparison of the prediction cast to a number is a step: its gradient is zero; "
                              "use a soft relaxation such as `sigmoid((p - t) * k)`")

    def _cast_comparison(self, call: cst.Call) -> cst.Comparison | None:
        qualified = self.facts.imports.qualify(call.func)
        if qualified in CASTS and call.args:
            value = call.args[0].value
        elif isinstance(call.func, cst.Attribute) and call.func.attr.value in CAST_METHODS and qualified is None:
            value = call.func.value
        else:
            return None
        value = value.with_changes(lpar=[], rpar=[]) if getattr(value, "lpar", None) else value
        value = self.facts.comparison(value)  # tf.cast(tf.greater(p, 0.5), tf.float32)
        return value if isinstance(value, cst.Comparison) else None

    def _compares_prediction(self, comparison: cst.Comparison) -> bool:
        sides = [comparison.left, *(c.comparator for c in comparison.comparisons)]
        return any(self.facts.value(side).depends_on_prediction for side in sides)
