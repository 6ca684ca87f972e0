import re

import libcst as cst

from losslint.core.index import FunctionInfo
from losslint.core.names import dotted_name
from losslint.core.walk import children, iter_nodes
from losslint.rules.base import ANYWHERE, Rule

LAYER_STACKS = {"keras.Sequential", "keras.models.Sequential"}
# numpy makers whose one positional argument is the length of a 1-D array, whatever its value
# (``rand(n)``, ``arange(n)``); ``zeros(n)`` / ``ones(n)`` only for a literal n (n may be a tuple).
ONE_D_ALWAYS = {"np.random.rand", "np.random.randn", "np.arange", "np.linspace"}
ONE_D_FOR_LITERAL = {"np.zeros", "np.ones", "np.empty", "np.random.random", "np.random.random_sample"}
# makers whose ``size`` (keyword, or the positional after the distribution's parameters) is the shape
SIZED_MAKERS = {"np.random.randint": 2, "np.random.normal": 2, "np.random.uniform": 2, "np.random.binomial": 2,
                "np.random.poisson": 1, "np.random.exponential": 1, "np.random.choice": 1}
FLATTENING_METHODS = {"reshape", "flatten", "ravel"}
# Rebinding a loss argument to one of these keeps its shape (``y_true = tf.cast(y_true, y_pred.dtype)``).
SHAPE_KEEPING = {"cast", "convert_to_tensor", "to_float", "as_tensor", "constant"}
SHAPE_KEEPING_METHODS = {"astype", "float", "double", "type", "to"}
DEPTH = 6


class ImplicitBroadcast(Rule):
    """LL404: a Keras loss subtracts (N,) labels from (N, 1) predictions: the result is N x N."""

    code = "LL404"
    name = "implicit-broadcast"
    summary = "labels and predictions of different ranks broadcast to an N x N difference"
    runs_in = ANYWHERE
    file_level = True
    trigger = re.compile(rb"Dense")
    # the layers, and the `fit` call that shows the labels (often in another function than the model)
    evidence = re.compile(rb"Dense|\.fit\(")

    def visit_Module(self, module: cst.Module) -> None:
        index = self.facts.index
        fitted_flat, losses = set(), {}
        for call, scope in _calls_with_scope(module, index):
            if not isinstance(call.func, cst.Attribute) or call.func.attr.value not in ("fit", "compile"):
                continue
            model = self._single_unit_model(call.func.value, scope, DEPTH)
            if model is None:
                continue
            positional = [a.value for a in call.args if a.keyword is None]
            keywords = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
            if call.func.attr.value == "fit":
                labels = keywords.get("y", positional[1] if len(positional) > 1 else None)
                if labels is not None and self._one_d(labels, scope, DEPTH):
                    fitted_flat.add(model)
            elif "loss" in keywords:
                losses.setdefault(model, []).append(keywords["loss"])
        for model in fitted_flat & set(losses):
            for loss in losses[model]:
                for info in self.facts.scopes.callables(loss):
                    self._check_loss(info)

    # -- where a value comes from -------------------------------------------------------------
    def _bound(self, name: str, scope: FunctionInfo | None) -> cst.BaseExpression | None:
        """What ``name`` was last assigned in its scope (the function's, then the module's), when it
        is assigned one value by a plain ``name = value``."""
        while True:
            assignments = scope.assignments if scope is not None else self.facts.index.module_assignments
            values = [small.value for a in assignments if name in a.targets for small in a.statement.body
                      if isinstance(small, cst.Assign) and len(small.targets) == 1
                      and isinstance(small.targets[0].target, cst.Name) and small.targets[0].target.value == name]
            if values:
                return values[-1]
            if scope is None or (scope.parameter(name) is not None):
                return None
            scope = scope.parent

    def _single_unit_model(self, node: cst.BaseExpression, scope: FunctionInfo | None, depth: int):
        """The ``Sequential([...])`` call that made the model ``node`` holds, when its last layer is
        ``Dense(1)``: through names and through same-module functions that return the model."""
        if depth == 0:
            return None
        if isinstance(node, cst.Name):
            value = self._bound(node.value, scope)
            return None if value is None else self._single_unit_model(value, scope, depth - 1)
        if not isinstance(node, cst.Call):
            return None
        if self.facts.imports.qualify(node.func) in LAYER_STACKS:
            return node if self._ends_in_one_unit(node) else None
        if isinstance(node.func, cst.Name):
            builder = next((f for f in self.facts.index.functions if f.name == node.func.value and f.cls is None
                            and f.parent is None and isinstance(f.node, cst.FunctionDef)), None)
            if builder is not None:
                for returned in _returned(builder):
                    model = self._single_unit_model(returned, builder, depth - 1)
                    if model is not None:
                        return model
        return None

    def _ends_in_one_unit(self, stack: cst.Call) -> bool:
        layers = stack.args[0].value if stack.args else None
        if not isinstance(layers, cst.List) or not layers.elements:
            return False
        last = layers.elements[-1].value
        if not isinstance(last, cst.Call) or (dotted_name(last.func) or "").split(".")[-1] != "Dense":
            return False
        units = next((a.value for a in last.args if a.keyword is None or a.keyword.value == "units"), None)
        return isinstance(units, cst.Integer) and units.evaluated_value == 1

    def _one_d(self, value: cst.BaseExpression, scope: FunctionInfo | None, depth: int) -> bool:
        """Labels made 1-D: ``np.random.rand(100)``, ``randint(0, 2, (100,))``, ``x.reshape(-1)``,
        and arithmetic of such an array with numbers (``np.random.rand(80) * 100``)."""
        if depth == 0:
            return False
        if isinstance(value, cst.Name):
            bound = self._bound(value.value, scope)
            return bound is not None and self._one_d(bound, scope, depth - 1)
        if isinstance(value, cst.BinaryOperation):
            sides = [s for s in (value.left, value.right) if not _is_number(s)]
            return bool(sides) and all(self._one_d(s, scope, depth - 1) for s in sides)
        if isinstance(value, cst.UnaryOperation):
            return self._one_d(value.expression, scope, depth - 1)
        if not isinstance(value, cst.Call):
            return False
        func = value.func
        if isinstance(func, cst.Attribute) and func.attr.value == "astype":
            return self._one_d(func.value, scope, depth - 1)
        qualified = self.facts.imports.qualify(func)
        if isinstance(func, cst.Attribute) and func.attr.value in FLATTENING_METHODS and qualified is None:
            args = [a.value for a in value.args]
            return func.attr.value != "reshape" or (len(args) == 1 and isinstance(args[0], cst.UnaryOperation))
        positional = [a.value for a in value.args if a.keyword is None]
        keywords = {a.keyword.value: a.value for a in value.args if a.keyword is not None}
        if qualified in ONE_D_ALWAYS:
            return qualified in ("np.arange", "np.linspace") or (len(positional) == 1 and not keywords)
        if qualified in ONE_D_FOR_LITERAL:
            return len(positional) == 1 and isinstance(positional[0], cst.Integer)
        if qualified in SIZED_MAKERS:
            size = keywords.get("size", positional[SIZED_MAKERS[qualified]]
                                if len(positional) > SIZED_MAKERS[qualified] else None)
            return isinstance(size, cst.Integer) or (isinstance(size, cst.Tuple) and len(size.elements) == 1)
        return False

    # -- the loss ------------------------------------------------------------------------------
    def _check_loss(self, info) -> None:
        names = [p.name.value for p in info.parameters() if p.name.value not in ("self", "cls")][:2]
        if len(names) != 2 or any(a.targets & set(names) and not self._keeps_shape(a.statement, names)
                                  for a in info.assignments):
            return  # a loss that reshapes its arguments first knows their shapes
        body = info.node.body
        for node in iter_nodes(body) if isinstance(body, cst.CSTNode) else ():
            if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Subtract) and \
                    {dotted_name(node.left), dotted_name(node.right)} == set(names):
                self.report(node, f"this model ends in a 1-unit layer and is fitted on 1-D labels: Keras passes "
                                  f"`{names[0]}` of shape (N,) and `{names[1]}` of shape (N, 1), so this difference "
                                  f"broadcasts to (N, N) and the loss averages N^2 wrong pairs; reshape the labels "
                                  f"to (N, 1) or squeeze the prediction's last axis")
                return

    def _keeps_shape(self, statement: cst.SimpleStatementLine, names: list[str]) -> bool:
        """``y_true = tf.cast(y_true, y_pred.dtype)``: a cast of an argument rebound to its own name."""
        for small in statement.body:
            if not (isinstance(small, cst.Assign) and len(small.targets) == 1
                    and isinstance(small.targets[0].target, cst.Name) and isinstance(small.value, cst.Call)):
                return False
            name, call = small.targets[0].target.value, small.value
            if isinstance(call.func, cst.Attribute) and call.func.attr.value in SHAPE_KEEPING_METHODS:
                operand = call.func.value
            else:
                qualified = self.facts.imports.qualify(call.func)
                operand = call.args[0].value if call.args and qualified is not None and \
                    qualified.split(".")[-1] in SHAPE_KEEPING else None
            if operand is None or dotted_name(operand) != name:
                return False
        return True


def _is_number(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.UnaryOperation):
        node = node.expression
    return isinstance(node, (cst.Integer, cst.Float))


def _returned(function: FunctionInfo) -> list[cst.BaseExpression]:
    """The values a function's own return statements give back (not those of functions nested in it)."""
    found, stack = [], [function.node.body]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            continue
        if isinstance(node, cst.Return) and node.value is not None:
            found.append(node.value)
        stack.extend(children(node))
    return found


def _calls_with_scope(module: cst.Module, index):
    """Every call of the module, with the function it is in (None at module level)."""
    stack: list[tuple[cst.CSTNode, FunctionInfo | None]] = [(module, None)]
    while stack:
        node, scope = stack.pop()
        if isinstance(node, (cst.FunctionDef, cst.Lambda)):
            scope = index.function_of.get(node, scope)
        elif isinstance(node, cst.Call):
            yield node, scope
        stack.extend((child, scope) for child in children(node))
