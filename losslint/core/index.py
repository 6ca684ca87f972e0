"""One pass over a module that records what the other facts need: imports, functions, classes,
constants, and the places where a loss is handed to an optimizer (``compile(loss=...)``,
``.backward()``, ``tape.gradient``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import libcst as cst

from losslint.core.names import ImportTable, dotted_name
from losslint.core.walk import children


@dataclass(eq=False)
class ClassInfo:
    node: cst.ClassDef
    name: str
    bases: list[cst.BaseExpression]
    methods: dict[str, FunctionInfo] = field(default_factory=dict)
    # ``self.x = <expr>`` in ``__init__``, with the ``__init__`` it was assigned in.
    init_attributes: dict[str, cst.BaseExpression] = field(default_factory=dict)
    # ``self.x`` assigned, or changed in place, by code other than ``__init__``: not fixed at construction.
    changed_attributes: set[str] = field(default_factory=set)


@dataclass(eq=False)
class FunctionInfo:
    node: cst.FunctionDef | cst.Lambda
    name: str  # the def's name, or the name a lambda is assigned to ("<lambda>" otherwise)
    cls: ClassInfo | None
    parent: FunctionInfo | None
    # Names called in the body: ``foo`` for ``foo(...)``, ``self.foo`` for ``self.foo(...)``.
    calls: set[str] = field(default_factory=set)
    # Assignment statements in order, for slicing the statements that compute a value.
    assignments: list[Assignment] = field(default_factory=list)
    # The names read or bound in it (nested functions included), and the attribute names (``x.attr``).
    names: set[str] = field(default_factory=set)
    attributes: set[str] = field(default_factory=set)

    @property
    def qualname(self) -> str:
        return f"{self.cls.name}.{self.name}" if self.cls else self.name

    def parameters(self) -> list[cst.Param]:
        params = self.node.params
        return [*params.posonly_params, *params.params, *params.kwonly_params]

    def parameter(self, name: str) -> cst.Param | None:
        for param in self.parameters():
            if param.name.value == name:
                return param
        return None


@dataclass(eq=False)
class Assignment:
    statement: cst.SimpleStatementLine
    targets: set[str]
    uses: set[str]
    order: int


@dataclass(eq=False)
class LossSink:
    """A value handed to autograd: ``x.backward()``, ``tape.gradient(x, ...)``, ``opt.minimize(x)``,
    ``torch.autograd.grad(x, ...)``, ``tf.gradients(x, ...)``, ``model.add_loss(x)``."""

    value: cst.BaseExpression
    function: FunctionInfo | None
    order: int
    how: str = "backward"


class ModuleIndex:
    def __init__(self) -> None:
        self.imports = ImportTable()
        self.functions: list[FunctionInfo] = []
        self.function_of: dict[cst.CSTNode, FunctionInfo] = {}
        self.classes: dict[str, ClassInfo] = {}
        self.class_of: dict[cst.ClassDef, ClassInfo] = {}
        self.module_constants: dict[str, cst.BaseExpression] = {}
        self._module_assign_counts: dict[str, int] = {}
        # values of ``compile(loss=...)``, with the class compiling them (for ``loss=self.f``)
        self.compiled_losses: list[tuple[cst.BaseExpression, ClassInfo | None]] = []
        self.named_losses: list[cst.BaseExpression] = []  # values of ``loss_fn = ...``/``criterion = ...``
        self.sinks: list[LossSink] = []
        self.differentiated: list[cst.BaseExpression] = []  # f in jax.grad(f), value_and_grad(f)
        # id of each such f -> the positions of the arguments it is differentiated with respect to
        self.differentiated_positions: dict[int, tuple[int, ...]] = {}
        # (fn, class) for super().__init__(fn, ...) in a class (a Keras LossFunctionWrapper hands it fn).
        self.wrapped_losses: list[tuple[cst.BaseExpression, ClassInfo]] = []
        self.module_assignments: list[Assignment] = []
        self._functions: list[FunctionInfo] = []
        self._attribute_names: set[int] = set()  # ids of the ``attr`` nodes of attributes in functions
        self._unread_depth = 0  # inside decorators and annotations
        self._frames: list[ClassInfo | FunctionInfo] = []
        self._order = 0
        self._tape_names: list[str] = []
        self._pending_lambda_names: dict[cst.Lambda, str] = {}
        self._precisions: list[str | None] = []
        # (callee, calling function, "float16" | "bfloat16") for calls inside autocast blocks.
        self.autocast_calls: list[tuple[str, FunctionInfo | None, str]] = []
        self.global_precision: str | None = None  # a Keras mixed-precision policy set in the module

    # -- scopes ------------------------------------------------------------------------------
    # One stack of enclosing classes and functions: a def whose frame is a class is a method.
    def _current(self) -> FunctionInfo | None:
        return self._functions[-1] if self._functions else None

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        info = ClassInfo(node, node.name.value, [arg.value for arg in node.bases])
        self.classes.setdefault(info.name, info)
        self.class_of[node] = info
        self._frames.append(info)
        self.imports.bound_names.add(info.name)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._frames.pop()

    def _enter_function(self, node: cst.FunctionDef | cst.Lambda, name: str) -> None:
        parent = self._current()
        frame = self._frames[-1] if self._frames else None
        is_method = isinstance(node, cst.FunctionDef) and isinstance(frame, ClassInfo)
        cls = frame if is_method else (parent.cls if parent else None)
        info = FunctionInfo(node, name, cls, parent)
        if is_method:
            frame.methods.setdefault(name, info)
        self.functions.append(info)
        self.function_of[node] = info
        self._functions.append(info)
        self._frames.append(info)
        for param in info.parameters():
            self.imports.bound_names.add(param.name.value)

    def _leave_function(self) -> None:
        self._functions.pop()
        self._frames.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.imports.bound_names.add(node.name.value)
        self._enter_function(node, node.name.value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._leave_function()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._enter_function(node, self._pending_lambda_names.pop(node, "<lambda>"))

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._leave_function()

    def visit_Name(self, node: cst.Name) -> None:
        if self._unread_depth:
            return
        if id(node) in self._attribute_names:
            for function in self._functions:
                function.attributes.add(node.value)
        elif not (self._functions and node is getattr(self._functions[-1].node, "name", None)):
            for function in self._functions:  # (a def's own name is not read by it)
                function.names.add(node.value)

    # Decorators and annotations are not what a function computes: their names are not its reads.
    def visit_Decorator(self, node: cst.Decorator) -> None:
        self._unread_depth += 1

    def leave_Decorator(self, original_node: cst.Decorator) -> None:
        self._unread_depth -= 1

    def visit_Annotation(self, node: cst.Annotation) -> None:
        self._unread_depth += 1

    def leave_Annotation(self, original_node: cst.Annotation) -> None:
        self._unread_depth -= 1

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if self._functions:
            self._attribute_names.add(id(node.attr))

    # -- imports and bindings ----------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> None:
        self.imports.add_import(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.imports.add_import(node)

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self._order += 1
        targets: set[str] = set()
        uses: set[str] = set()
        for small in node.body:
            mutated = _mutated_container(small)
            if mutated is not None:  # losses.append(x), terms.update(d): the container now holds x
                targets.add(mutated[0])
                uses |= mutated[1]
                continue
            if isinstance(small, (cst.Assign, cst.AugAssign, cst.AnnAssign)):
                target_nodes = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
                for target in target_nodes:
                    targets |= _bound_names(target)
                if small.value is not None:
                    uses |= _used_names(small.value)
                if isinstance(small, cst.AugAssign):
                    uses |= _bound_names(small.target)
        function = self._current()
        if function is not None and function.cls is not None and function.name != "__init__":
            self._changed_attributes(function.cls, node, targets)
        if not targets:
            return
        assignment = Assignment(node, targets, uses, self._order)
        (function.assignments if function else self.module_assignments).append(assignment)
        if function is None:
            for name in targets:
                self._module_assign_counts[name] = self._module_assign_counts.get(name, 0) + 1
        self.imports.bound_names |= {t for t in targets if "." not in t}

    @staticmethod
    def _changed_attributes(owner: ClassInfo, node: cst.SimpleStatementLine, targets: set[str]) -> None:
        for name in targets:
            if name.startswith("self.") and name.count(".") == 1:
                owner.changed_attributes.add(name[5:])
        for small in node.body:  # self.running.mul_(m).add_(x)
            call = small.value if isinstance(small, cst.Expr) else None
            while isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute):
                method, receiver = call.func.attr.value, call.func.value
                name = dotted_name(receiver)
                # (self.history.append(x) is among the targets already: a mutated container)
                if name is not None and name.startswith("self.") and name.count(".") == 1 and method.endswith("_"):
                    owner.changed_attributes.add(name[5:])
                call = receiver

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            name = dotted_name(target.target)
            if name is None:
                continue
            if isinstance(node.value, cst.Lambda):
                self._pending_lambda_names[node.value] = name.split(".")[-1]
            if name.split(".")[-1] in ("loss_fn", "loss_func", "loss_function", "criterion", "objective"):
                self.named_losses.append(node.value)
            self._record_value(target.target, name, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        name = dotted_name(node.target)
        if node.value is not None and name is not None:
            self._record_value(node.target, name, node.value)

    def _record_value(self, target: cst.BaseExpression, name: str, value: cst.BaseExpression) -> None:
        """Module constants and ``self.x = ...`` in ``__init__``: values other functions read."""
        function = self._current()
        if function is None and isinstance(target, cst.Name) and not self._frames:
            self.module_constants[name] = value
        if (function is not None and function.cls is not None and function.name == "__init__"
                and name.startswith("self.") and name.count(".") == 1):
            function.cls.init_attributes.setdefault(name[5:], value)

    # -- calls ------------------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        function = self._current()
        callee = dotted_name(node.func)
        if function is not None and callee is not None:
            function.calls.add(callee)
        precision = next((p for p in reversed(self._precisions) if p), None)
        if precision and callee is not None:
            self.autocast_calls.append((callee, function, precision))
        if isinstance(node.func, cst.Attribute):
            method = node.func.attr.value
            if method == "compile":
                for arg in node.args:
                    if arg.keyword is not None and arg.keyword.value == "loss":
                        cls = function.cls if function is not None else None
                        self.compiled_losses.extend((value, cls) for value in _loss_values(arg.value))
            elif (method == "register_buffer" and function is not None and function.cls is not None
                  and function.name == "__init__" and len(node.args) >= 2
                  and isinstance(node.args[0].value, cst.SimpleString)
                  and not (isinstance(node.args[1].value, cst.Name) and node.args[1].value.value == "None")):
                # self.register_buffer("name", value) sets self.name like an assignment does.
                name = node.args[0].value.evaluated_value
                function.cls.init_attributes.setdefault(name, node.args[1].value)
            elif method == "backward" and not _has_positional(node):
                self.sinks.append(LossSink(node.func.value, function, self._order, "backward"))
            elif method in ("backward", "manual_backward") and node.args:
                # accelerator.backward(loss), fabric.backward(loss), self.manual_backward(loss), and
                # loss.backward(gradient): the loss is the receiver or the first argument.
                self.sinks.append(LossSink(node, function, self._order, "backward"))
            elif method == "gradient" and node.args and (dotted_name(node.func.value) in self._tape_names
                                                         or "tape" in (dotted_name(node.func.value) or "").lower()):
                self.sinks.append(LossSink(node.args[0].value, function, self._order, "tape"))
            elif method in ("minimize", "compute_gradients", "compute_loss_and_gradients") and node.args:
                loss = _argument(node, 0, "loss")
                if loss is not None:
                    self.sinks.append(LossSink(loss, function, self._order, "minimize"))
            elif method == "__init__" and isinstance(node.func.value, cst.Call) and node.args \
                    and dotted_name(node.func.value.func) == "super" and function is not None and function.cls is not None:
                # class MSLE(LossFunctionWrapper): super().__init__(msle, ...) hands Keras the loss function.
                fn = _argument(node, 0, "fn")
                if fn is not None:
                    self.wrapped_losses.append((fn, function.cls))
            elif method == "step" and len(node.args) == 1 and node.args[0].keyword is None \
                    and not isinstance(node.args[0].value, (cst.Lambda, cst.Integer, cst.Float)):
                # optim.step(loss) in wrappers that backpropagate for you (tianshou); kept only where
                # the argument turns out to be a loss with a gradient (torch's step(closure) is not).
                self.sinks.append(LossSink(node.args[0].value, function, self._order, "step"))
            elif method == "add_loss" and node.args:
                self.sinks.append(LossSink(node.args[0].value, function, self._order, "add_loss"))
        qualified = self.imports.qualify(node.func)
        if qualified in ("keras.losses.LossFunctionWrapper",):
            fn = _argument(node, 0, "fn")
            if fn is not None:
                self.compiled_losses.append((fn, None))
        if qualified in ("torch.autograd.grad", "torch.autograd.backward", "tf.gradients", "K.gradients") and node.args:
            loss = _argument(node, 0, "outputs", "ys", "tensors", "loss")
            if loss is not None:
                self.sinks.append(LossSink(loss, function, self._order, "grad"))
        elif qualified in ("jax.grad", "jax.value_and_grad", "jax.vjp", "equinox.filter_grad",
                           "equinox.filter_value_and_grad") and node.args:
            self.differentiated.append(node.args[0].value)
            self.differentiated_positions[id(node.args[0].value)] = _argnums(node)
        for arg in node.args:
            if isinstance(arg.value, cst.Lambda) and arg.keyword is not None:
                self._pending_lambda_names[arg.value] = arg.keyword.value

    def visit_With(self, node: cst.With) -> None:
        precision = None
        for item in node.items:
            if isinstance(item.item, cst.Call):
                precision = precision or self._autocast_precision(item.item)
        self._precisions.append(precision)
        for item in node.items:
            qualified = self.imports.qualify(item.item.func) if isinstance(item.item, cst.Call) else None
            if qualified and qualified.endswith("GradientTape") and item.asname is not None:
                name = dotted_name(item.asname.name)
                if name:
                    self._tape_names.append(name)

    def leave_With(self, original_node: cst.With) -> None:
        self._precisions.pop()

    def _autocast_precision(self, call: cst.Call) -> str | None:
        """float16 / bfloat16 for ``torch.autocast(...)`` and ``torch.cuda.amp.autocast()``."""
        qualified = self.imports.qualify(call.func) or ""
        if not qualified.endswith("autocast") or not qualified.startswith("torch"):
            return None
        dtype = next((dotted_name(a.value) for a in call.args if a.keyword and a.keyword.value == "dtype"), None)
        if dtype:
            return "bfloat16" if dtype.endswith("bfloat16") else "float16" if dtype.endswith(("float16", "half")) else None
        device = next((a.value for a in call.args if a.keyword is None or a.keyword.value == "device_type"), None)
        on_cpu = isinstance(device, cst.SimpleString) and device.evaluated_value == "cpu"
        return "bfloat16" if on_cpu else "float16"  # autocast's defaults per device

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        value = node.raw_value
        if value in ("mixed_float16", "mixed_bfloat16"):  # keras.mixed_precision.set_global_policy(...)
            self.global_precision = value[len("mixed_"):]

    # -- derived --------------------------------------------------------------------------------
    def constants(self) -> dict[str, cst.BaseExpression]:
        """Module names assigned exactly once at module level."""
        return {n: v for n, v in self.module_constants.items() if self._module_assign_counts.get(n, 0) == 1}


_MUTATING_METHODS = frozenset({"append", "extend", "update", "insert", "add", "setdefault", "add_", "append_"})


def _mutated_container(small: cst.BaseSmallStatement) -> tuple[str, set[str]] | None:
    """``xs.append(v)`` as a statement: (the container's name, the names its new content reads)."""
    if not (isinstance(small, cst.Expr) and isinstance(small.value, cst.Call)):
        return None
    call = small.value
    if not (isinstance(call.func, cst.Attribute) and call.func.attr.value in _MUTATING_METHODS):
        return None
    name = dotted_name(call.func.value)
    if name is None:
        return None
    uses: set[str] = set()
    for arg in call.args:
        uses |= _used_names(arg.value)
    return name, uses


def _argument(call: cst.Call, position: int, *keywords: str) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in keywords:
            return arg.value
    positional = [a.value for a in call.args if a.keyword is None and not a.star]
    return positional[position] if position < len(positional) else None


def _has_positional(call: cst.Call) -> bool:
    return any(arg.keyword is None for arg in call.args)


def _loss_values(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    """``loss=f``, ``loss=[f, g]``, ``loss={"out": f}``: the callables named."""
    if isinstance(node, (cst.List, cst.Tuple)):
        return [el.value for el in node.elements]
    if isinstance(node, cst.Dict):
        return [el.value for el in node.elements if isinstance(el, cst.DictElement)]
    return [node]


def _bound_names(target: cst.BaseExpression) -> set[str]:
    if isinstance(target, (cst.Tuple, cst.List)):
        out: set[str] = set()
        for element in target.elements:
            out |= _bound_names(element.value)
        return out
    if isinstance(target, cst.StarredElement):
        return _bound_names(target.value)
    name = dotted_name(target)
    if name is not None:
        return {name}
    if isinstance(target, cst.Subscript):
        base = target.value
        while isinstance(base, cst.Subscript):  # result["losses"]["dense"] = x changes result
            base = base.value
        name = dotted_name(base)
        return {name} if name else set()
    return set()


# Reading these says nothing about a tensor's values: x.device, x.shape, len(x), x.size()...
METADATA_ATTRIBUTES = frozenset({"device", "dtype", "shape", "ndim", "is_cuda", "requires_grad", "layout"})
METADATA_METHODS = frozenset({"size", "dim", "numel", "nelement", "get_device", "is_floating_point",
                              "is_complex", "is_contiguous"})
FINITENESS_TESTS = frozenset({"isinf", "isnan", "isfinite", "isneginf", "isposinf", "is_inf", "is_nan", "is_finite"})
TYPE_FROM_ARGUMENT = frozenset({"type_as", "to", "new_zeros", "new_ones", "new_full", "new_empty", "new_tensor"})


def _used_names(node: cst.CSTNode, values_only: bool = False,
                cut: Callable[[cst.Call], bool] | None = None) -> set[str]:
    """Names read by an expression; ``self.x`` counts as one name. With ``values_only``, names
    whose values flow into it: metadata reads (``x.shape``, ``len(x)``, ``y`` in ``x.type_as(y)``)
    do not count, nor (with ``cut``) what the calls it accepts are handed (``x.detach()``)."""
    names: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            names.add(current.value)
            continue
        if isinstance(current, cst.Attribute):
            if values_only and current.attr.value in METADATA_ATTRIBUTES:
                continue
            dotted = dotted_name(current)
            if dotted is not None and dotted.startswith("self."):
                names.add(".".join(dotted.split(".")[:2]))
                continue
        if values_only and isinstance(current, cst.Subscript):
            stack.append(current.value)  # x[i:j], x[idx]: the values of x; the index only selects
            continue
        if values_only and isinstance(current, cst.Call):
            if cut is not None and cut(current):
                continue
            func = current.func
            if isinstance(func, cst.Name) and func.value == "len":
                continue
            if isinstance(func, cst.Attribute) and func.attr.value in METADATA_METHODS:
                continue
            tail = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
            if tail in FINITENESS_TESTS:
                continue  # isinf(x) tells where x is infinite; none of x's values, inf or not, flows on
            if isinstance(func, cst.Attribute) and func.attr.value in TYPE_FROM_ARGUMENT:
                stack.append(func.value)  # x.type_as(y): the values of x, the dtype of y
                continue
        stack.extend(children(current))
    return names


used_names = _used_names


def _argnums(call: cst.Call) -> tuple[int, ...]:
    """The positions ``jax.grad(f, argnums=...)`` differentiates: 0 by default; none known for an
    argnums that is not written out."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "argnums":
            value = arg.value
            items = [e.value for e in value.elements] if isinstance(value, (cst.Tuple, cst.List)) else [value]
            if all(isinstance(item, cst.Integer) for item in items):
                return tuple(int(item.value) for item in items)
            return ()
    return (0,)
