import re

import libcst as cst

from losslint.core.names import dotted_name
from losslint.core.ranges import OUTER
from losslint.diagnostics import Applicability, Fix
from losslint.rules.base import LOSS, Rule

INPLACE = {"clamp_", "clamp_min_", "clamp_max_", "clip_", "add_", "sub_", "mul_", "div_", "pow_", "exp_", "log_",
           "sqrt_", "abs_", "neg_", "sigmoid_", "tanh_", "relu_", "masked_fill_", "fill_", "zero_", "copy_",
           "scatter_", "index_fill_", "log1p_", "expm1_", "square_", "reciprocal_", "floor_", "round_"}
# Ops whose backward reads their own output: modifying that output in place breaks autograd.
SAVES_OUTPUT = frozenset({"sigmoid", "exp", "tanh", "softmax", "sqrt", "rsqrt", "relu", "expm1"})


class InplaceOnPrediction(Rule):
    """LL505: an in-place operation on a tensor computed from the prediction."""

    code = "LL505"
    name = "inplace-on-prediction"
    summary = "an in-place operation on a prediction-derived tensor in loss code"
    runs_in = LOSS
    fix_applicability = Applicability.UNSAFE
    trigger = re.compile(rb"_\(|\+=|-=|\*=|/=|\]\s*=")

    def visit_Call(self, call: cst.Call) -> None:
        func = call.func
        if not (isinstance(func, cst.Attribute) and func.attr.value in INPLACE):
            return
        target = func.value
        if self.facts.is_module_name(target) or not self._breaks_autograd(target):
            return
        self.report(call, f"`.{func.attr.value}()` modifies a tensor computed from the prediction in place: autograd "
                          f"raises if an earlier op needs it for its gradient (\"modified by an inplace operation\"), "
                          f"or computes a wrong gradient; use `.{func.attr.value[:-1]}()` and assign the result",
                    fix=self._method_fix(call))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if "torch" not in self.facts.frameworks():
            return  # TensorFlow and JAX tensors are immutable: ``x *= w`` rebinds the name
        name = dotted_name(node.target)
        if name is None or not self._breaks_autograd(node.target):
            return
        operator = {cst.AddAssign: cst.Add, cst.SubtractAssign: cst.Subtract, cst.MultiplyAssign: cst.Multiply,
                    cst.DivideAssign: cst.Divide}.get(type(node.operator))
        fix = None
        if operator is not None:
            new = cst.Assign([cst.AssignTarget(node.target)],
                             cst.BinaryOperation(node.target, operator(), node.value))
            fix = Fix("Compute out of place", Applicability.UNSAFE, [(node, new)])
        self.report(node, f"`{name} {node.operator.__class__.__name__}` in place on a tensor computed from the "
                          f"prediction: autograd raises if an earlier op needs it for its gradient; write "
                          f"`{name} = {name} ...` instead".replace("AddAssign", "+=").replace("SubtractAssign", "-=")
                    .replace("MultiplyAssign", "*=").replace("DivideAssign", "/="), fix=fix)

    def visit_Assign(self, node: cst.Assign) -> None:
        if "torch" not in self.facts.frameworks():
            return
        for target in node.targets:
            if isinstance(target.target, cst.Subscript) and self._breaks_autograd(target.target.value):
                self.report(target.target, "item assignment writes into a tensor computed from the prediction in "
                                           "place: autograd raises if an earlier op needs it for its gradient; use "
                                           "`torch.where(mask, value, x)` or `x.masked_fill(mask, value)`")

    def _breaks_autograd(self, target: cst.BaseExpression) -> bool:
        """In place on the prediction argument itself, or on the output of an op that keeps its output
        for the backward pass (``sigmoid``, ``exp``...). An accumulator (``loss += term``) or the result
        of a reduction is safe to modify."""
        if not isinstance(target, cst.Name) or not self.facts.is_prediction_derived(target):
            return False
        bindings = self.facts.env().get(target.value)
        if not bindings:
            return target.value in self.facts.prediction_parameters(self.facts.function)
        return all(b is not OUTER and isinstance(b.value, cst.Call)
                   and self.facts.op_name(b.value) in SAVES_OUTPUT for b in bindings)

    def _method_fix(self, call: cst.Call) -> Fix | None:
        """``p.clamp_(a, b)`` as a statement on a name -> ``p = p.clamp(a, b)``."""
        statement = self.facts.statement
        if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1
                and isinstance(statement.body[0], cst.Expr) and statement.body[0].value is call
                and isinstance(call.func.value, cst.Name)):
            return None
        out_of_place = call.with_changes(func=call.func.with_changes(attr=cst.Name(call.func.attr.value[:-1])))
        new = cst.Assign([cst.AssignTarget(call.func.value)], out_of_place)
        return Fix("Compute out of place and assign", Applicability.UNSAFE, [(statement.body[0], new)])
