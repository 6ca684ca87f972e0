import re

import libcst as cst

from losslint.core.names import dotted_name
from losslint.core.walk import iter_nodes
from losslint.rules.base import ANYWHERE, Rule

LAYER_STACKS = {"keras.Sequential", "keras.models.Sequential"}
ONE_D_MAKERS = {"np.random.rand", "np.random.randn", "np.zeros", "np.ones", "np.random.random", "np.arange"}
FLATTENING_METHODS = {"reshape", "flatten", "ravel"}


class ImplicitBroadcast(Rule):
    """LL404: a Keras loss subtracts (N,) labels from (N, 1) predictions: the result is N x N."""

    code = "LL404"
    name = "implicit-broadcast"
    summary = "labels and predictions of different ranks broadcast to an N x N difference"
    runs_in = ANYWHERE
    file_level = True
    trigger = re.compile(rb"Dense")

    def visit_Module(self, module: cst.Module) -> None:
        assigned = {dotted_name(t.target): n.value for n in iter_nodes(module) if isinstance(n, cst.Assign)
                    for t in n.targets if dotted_name(t.target)}
        single_unit = {name for name, value in assigned.items() if self._ends_in_one_unit(value)}
        flat_labels, losses = set(), {}
        for call in (n for n in iter_nodes(module) if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute)):
            model = dotted_name(call.func.value)
            if model not in single_unit:
                continue
            positional = [a.value for a in call.args if a.keyword is None]
            keywords = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
            if call.func.attr.value == "fit":
                labels = keywords.get("y", positional[1] if len(positional) > 1 else None)
                if isinstance(labels, cst.Name) and self._one_d(assigned.get(labels.value), assigned, 0):
                    flat_labels.add(model)
            elif call.func.attr.value == "compile" and "loss" in keywords:
                losses[model] = keywords["loss"]
        for model in flat_labels & set(losses):
            for info in self.facts.scopes.callables(losses[model]):
                self._check_loss(info)

    def _ends_in_one_unit(self, value) -> bool:
        if not isinstance(value, cst.Call) or self.facts.imports.qualify(value.func) not in LAYER_STACKS:
            return False
        layers = value.args[0].value if value.args else None
        if not isinstance(layers, cst.List) or not layers.elements:
            return False
        last = layers.elements[-1].value
        if not isinstance(last, cst.Call) or (dotted_name(last.func) or "").split(".")[-1] != "Dense":
            return False
        units = next((a.value for a in last.args if a.keyword is None or a.keyword.value == "units"), None)
        return isinstance(units, cst.Integer) and units.evaluated_value == 1

    def _one_d(self, value, assigned, depth: int) -> bool:
        """Labels made 1-D: ``np.random.rand(100)``, ``randint(0, 2, (100,))``, ``x.reshape(-1)``."""
        if value is None or depth > 4 or not isinstance(value, cst.Call):
            return False
        func = value.func
        if isinstance(func, cst.Attribute) and func.attr.value == "astype":
            return self._one_d(func.value, assigned, depth + 1)
        if isinstance(func, cst.Attribute) and func.attr.value in FLATTENING_METHODS and \
                self.facts.imports.qualify(func) is None:
            args = [a.value for a in value.args]
            return func.attr.value != "reshape" or (len(args) == 1 and isinstance(args[0], cst.UnaryOperation))
        qualified = self.facts.imports.qualify(func)
        positional = [a.value for a in value.args if a.keyword is None]
        if qualified in ONE_D_MAKERS:
            return len(positional) == 1 and isinstance(positional[0], cst.Integer)
        if qualified == "np.random.randint":
            size = next((a.value for a in value.args if a.keyword and a.keyword.value == "size"),
                        positional[2] if len(positional) > 2 else None)
            return isinstance(size, cst.Integer) or (isinstance(size, cst.Tuple) and len(size.elements) == 1)
        return False

    def _check_loss(self, info) -> None:
        names = [p.name.value for p in info.parameters() if p.name.value not in ("self", "cls")][:2]
        if len(names) != 2 or any(a.targets & set(names) for a in info.assignments):
            return  # a loss that reshapes its arguments first knows their shapes
        for node in iter_nodes(info.node):
            if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Subtract) and \
                    {dotted_name(node.left), dotted_name(node.right)} == set(names):
                self.report(node, f"this model ends in a 1-unit layer and is fitted on 1-D labels: Keras passes "
                                  f"`{names[0]}` of shape (N,) and `{names[1]}` of shape (N, 1), so this difference "
                                  f"broadcasts to (N, N) and the loss averages N^2 wrong pairs; reshape the labels "
                                  f"to (N, 1) or squeeze the prediction's last axis")
                return
