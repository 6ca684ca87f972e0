import re

import libcst as cst

from losslint.core.names import dotted_name
from losslint.rules.base import LOSS, Rule


class PythonBranchOnTensor(Rule):
    """LL104: Python control flow on a prediction tensor, or builtin max/min over tensors."""

    code = "LL104"
    name = "python-branch-on-tensor"
    summary = "Python if/while/and/or on a prediction tensor, or builtin max()/min() of tensors"
    # (Builtin sum() of tensors is differentiable and graph-safe: not flagged.)
    runs_in = LOSS
    follows_control = True
    trigger = re.compile(rb"\bif\b|\bwhile\b|\band\b|\bor\b|max\(|min\(")

    def visit_If(self, node: cst.If) -> None:
        self._check(node.test, "if")

    def visit_While(self, node: cst.While) -> None:
        self._check(node.test, "while")

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self._check(node.test, "a conditional expression")

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        for side in (node.left, node.right):
            self._check(side, "`and`/`or`")

    def visit_Call(self, call: cst.Call) -> None:
        func = call.func
        if not (isinstance(func, cst.Name) and func.value in ("max", "min")) or func.value in self.facts.imports.bound_names:
            return
        values = [a.value for a in call.args if a.keyword is None]
        # max(0, margin - score): one tensor is enough for Python to compare it (a multi-element
        # tensor raises, a scalar one makes a hard choice the gradient cannot see). A count
        # (max(num_pos, 1)) carries no gradient and is left alone.
        if len(values) >= 2 and any(self._compared_tensor(v) for v in values):
            self.report(call, f"builtin `{func.value}()` of tensors compares them in Python: a hard choice made "
                              f"outside the graph, which raises inside tf.function (AutoGraph does not rewrite "
                              f"it); use `torch.{func.value}imum` / `tf.math.{func.value}imum`")

    @property
    def _graph_framework(self) -> bool:
        return bool(self.facts.imports.frameworks() & {"tf", "keras"})

    def _compared_tensor(self, node: cst.BaseExpression) -> bool:
        """A float tensor that builtin max/min would compare in Python: computed by framework ops, or
        by a helper applied to such tensors; not a count of a mask (``max(num_pos, 1)``)."""
        value = self.facts.value(node)
        if value.provenance & {"count", "from-index", "from-mask"} or value.kind.value in ("index", "mask"):
            return False
        # A tensor made from settings or counts (``new_tensor([avg_factor])``) holds one number.
        # One of unknown kind (another object's method, a helper from elsewhere) is a tensor where it
        # depends on the prediction, or where it may and is computed here: not a bare name, and not
        # a setting read from the object (``self.args.weight``), which are often Python numbers.
        if value.is_float_tensor:
            # Eager torch compares a count made a float tensor harmlessly; a prediction, even
            # detached, is many elements (Python's comparison raises) or a choice the gradient cannot
            # see. TensorFlow's graph mode raises on any tensor.
            from_prediction = value.depends_on_prediction or bool(value.provenance & {"detached", "prediction"})
            return not value.is_constant and (from_prediction or self._graph_framework)
        if value.kind.value != "unknown" or value.grad.value == "no":
            return False
        if value.grad.value == "yes":
            return True
        return not isinstance(node, cst.Name) and not self._reads_only_settings(node)

    def _reads_only_settings(self, node: cst.BaseExpression) -> bool:
        """Arithmetic of Python numbers and the object's settings (``(step - self.args.start) *
        self.args.weight``): no tensor in it, whatever kind the settings turn out to be."""
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, (cst.Integer, cst.Float)):
                continue
            if isinstance(current, (cst.BinaryOperation, cst.UnaryOperation)):
                stack.extend([current.left, current.right] if isinstance(current, cst.BinaryOperation)
                             else [current.expression])
                continue
            if isinstance(current, cst.Attribute) and self._of_self(dotted_name(current) or ""):
                continue
            if isinstance(current, cst.Name) and self.facts.value(current).kind.value == "number":
                continue
            return False
        return True

    def _of_self(self, name: str) -> bool:
        """``self.args.weight``, or ``hparams.size`` after ``hparams = self.hparams``."""
        if name.startswith("self."):
            return True
        bindings = self.facts.env().get(name.split(".")[0], ())
        return len(bindings) == 1 and getattr(bindings[0], "value", None) is not None \
            and (dotted_name(bindings[0].value) or "").startswith("self.")

    def _check(self, test: cst.BaseExpression, where: str) -> None:
        if isinstance(test, cst.BooleanOperation):
            return  # its sides are checked on their own
        if isinstance(test, cst.Comparison) and any(
                isinstance(c.operator, (cst.Is, cst.IsNot, cst.In, cst.NotIn)) for c in test.comparisons):
            return  # `x is None`, `k in d`: not about the tensor's values
        if isinstance(test, cst.Comparison) and any(
                isinstance(c.comparator, (cst.Integer, cst.Float)) and c.comparator.evaluated_value == 0
                for c in test.comparisons):
            return  # `if n.sum() == 0:` / `> 0`: an emptiness guard, deliberate
        if isinstance(test, (cst.Name, cst.Attribute)):
            return  # bare truthiness (`if outputs:`) is usually a list or an option, not a tensor's value
        sides = [test.left, *(c.comparator for c in test.comparisons)] if isinstance(test, cst.Comparison) else [test]
        if not any(self.facts.is_tensor_like(side) and self.facts.is_prediction_derived(side) for side in sides):
            return
        self.report(test, f"{where} on a tensor computed from the prediction: Python decides on its value, so the "
                          f"gradient cannot see the choice, every step waits for the device, and in TensorFlow it "
                          f"works in graph mode only where AutoGraph rewrites it; use `where` or masks")
