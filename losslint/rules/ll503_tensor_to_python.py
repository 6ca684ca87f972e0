import re

import libcst as cst

from losslint.rules.base import LOSS, Rule

METHODS = {"item", "numpy", "tolist"}
BUILTINS = {"float", "bool"}
# Conversions to an integer: a count, an index, a slice bound. No framework differentiates an
# integer, so no gradient was meant to pass (``int(mask.sum().item())``).
INTEGRAL = {"int"}


class TensorToPython(Rule):
    """LL503: the prediction turned into a Python number on its way to the loss."""

    code = "LL503"
    name = "tensor-to-python"
    summary = "`.item()`, `.numpy()`, `float()` of the prediction on the way to the loss"
    runs_in = LOSS
    trigger = re.compile(rb"\.item\(|\.numpy\(|\.tolist\(|float\(|int\(|bool\(")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._integral: set[int] = set()  # the arguments of int(...) calls seen

    def visit_Call(self, call: cst.Call) -> None:
        func = call.func
        if isinstance(func, cst.Name) and func.value in INTEGRAL and func.value not in self.facts.imports.bound_names:
            self._integral.update(id(a.value) for a in call.args)
            return
        if id(call) in self._integral:
            return  # int(x.item()): the number is wanted as an integer
        if isinstance(func, cst.Attribute) and func.attr.value in METHODS and not call.args:
            value, what = func.value, f".{func.attr.value}()"
        elif isinstance(func, cst.Name) and func.value in BUILTINS and len(call.args) == 1 \
                and func.value not in self.facts.imports.bound_names:
            value, what = call.args[0].value, f"{func.value}()"
        else:
            return
        # ``.item()`` / ``.numpy()`` exist on tensors and arrays only: a value of unknown kind (a helper of
        # another module's result) that carries a gradient is a tensor; ``float(x)`` needs evidence.
        known = self.facts.is_tensor_like(value) or (
            isinstance(func, cst.Attribute) and self.facts.value(value).kind.value == "unknown"
            and self.facts.is_prediction_derived(value))
        if not known or not self.facts.carries_gradient(value):
            return
        if not self.facts.on_loss_path(call):
            return  # logging, metrics, or anything the returned loss does not use
        self.report(call, f"`{what}` turns a tensor computed from the prediction into a Python value on the way "
                          f"to the loss: the gradient stops there (and TensorFlow graph mode fails); keep it a "
                          f"tensor, or `.detach()` it if a constant is really meant")
