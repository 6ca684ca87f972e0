import re

import libcst as cst

from losslint.core.walk import children
from losslint.diagnostics import Applicability, Fix
from losslint.rules.base import LOSS, Rule


class KerasBatchReduction(Rule):
    """LL402: a Keras loss that averages over the batch axis itself."""

    code = "LL402"
    name = "keras-batch-reduction"
    summary = "a Keras loss reduces over the batch axis; return per-sample values"
    runs_in = LOSS
    fix_applicability = Applicability.UNSAFE
    trigger = re.compile(rb"compile|Loss")

    def visit_Call(self, call: cst.Call) -> None:
        function = self.facts.function
        if function not in self.facts.scopes.keras_losses:
            return  # not the loss Keras calls itself (helpers and nested code are not)
        meaning = self.facts.meaning(call)
        if meaning is None or meaning.op.name != "mean" or meaning.framework not in ("tf", "keras"):
            return
        positional = [a for a in call.args if a.keyword is None]
        if len(positional) > 1 or any(a.keyword and a.keyword.value in ("axis", "keepdims") for a in call.args):
            return
        if positional and self._pooled(positional[0].value):
            return  # the elements of every sample were pooled (matched boxes): no per-sample value exists
        self.report(call, "a Keras loss that averages over the whole batch returns one number: `sample_weight`, "
                          "class weights and per-replica scaling no longer apply; reduce the last axis "
                          "(`axis=-1`) and let Keras reduce the batch (low severity)",
                    fix=Fix("Reduce the last axis only", Applicability.UNSAFE,
                            [(call, call.with_changes(args=[*_with_comma(list(call.args)), _axis_last()]))]))

    def _pooled(self, node: cst.BaseExpression) -> bool:
        """Is ``node`` computed from elements gathered across the batch (``tf.boolean_mask(pred,
        mask)``, ``tf.gather_nd(pred, indices)``), followed through local names?"""
        stack, followed = [(node, self.facts.env())], 0
        while stack and followed < 256:
            current, current_env = stack.pop()
            followed += 1
            if isinstance(current, cst.Call):
                qualified = self.facts.imports.qualify(current.func) or ""
                if qualified in POOLING:
                    return True
                if qualified.startswith("tf.tensor_scatter_nd_") and current.args:
                    # scattered back into the full tensor: its shape is the first argument's
                    stack.append((current.args[0].value, current_env))
                    continue
            if isinstance(current, cst.Name):
                bindings = current_env.get(current.value, ())
                if len(bindings) == 1 and getattr(bindings[0], "value", None) is not None:
                    stack.append((bindings[0].value, bindings[0].env))
                continue
            stack.extend((child, current_env) for child in children(current))
        return False


# Gathers that select elements across the batch into one flat tensor.
POOLING = {"tf.boolean_mask", "tf.gather_nd", "tf.dynamic_partition", "keras.ops.take_along_axis"}


def _axis_last() -> cst.Arg:
    return cst.Arg(cst.UnaryOperation(cst.Minus(), cst.Integer("1")), keyword=cst.Name("axis"),
                   equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))


def _with_comma(args: list[cst.Arg]) -> list[cst.Arg]:
    if args and args[-1].comma is cst.MaybeSentinel.DEFAULT:
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    return args
