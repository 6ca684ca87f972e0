"""One abstract value per expression, by following where values come from.

A ``Value`` says what kind of thing an expression holds (a tensor, a Python number, a numpy
array, a boolean or integer tensor, a container, a module or loss object...), whether it carries a
gradient from the prediction (``YES``), cannot (``NO``: targets, constants, detached, integer or
boolean results) or may (``MAYBE``: a tensor whose role the code does not show), and where it
came from (``provenance``: "softmax", "loss", "prediction", "constant" ...).

Values follow local assignments (the environments of ``ranges.RangeAnalysis``), parameters (their
annotation, default, how the body uses them, what same-module callers pass, and only then their
name), ``self.x`` set in ``__init__``, module constants, and same-module helpers (a summary of what
they return, evaluated with the caller's arguments). The range of a value is asked of
``RangeAnalysis`` separately.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

import libcst as cst

from losslint.core import vocabulary as V
from losslint.core.index import ClassInfo, FunctionInfo, ModuleIndex, used_names
from losslint.core.names import dotted_name
from losslint.core.project import Project
from losslint.core.ranges import (OUTER, UNKNOWN_VALUE, Binding, Env, RangeAnalysis, _always_exits, _loop_elements,
                                  _returns, _target_names, argument_for, is_element_of)
from losslint.core.walk import iter_nodes


class Kind(str, Enum):
    TENSOR = "tensor"  # a float (or unknown-dtype) framework tensor
    MASK = "mask"  # a boolean tensor
    INDEX = "index"  # an integer tensor
    NUMBER = "number"  # a Python int, float or bool
    NUMPY = "numpy"  # a numpy array or scalar
    CONTAINER = "container"  # list, tuple, dict, set
    STRING = "string"
    NONE = "none"
    MODULE = "module"  # a model, a layer, or a loss object: something called on tensors
    FUNCTION = "function"
    OTHER = "other"  # a device, a dtype, a module of code...
    UNKNOWN = "unknown"


TENSOR_KINDS = frozenset({Kind.TENSOR, Kind.MASK, Kind.INDEX})


class Grad(str, Enum):
    YES = "yes"  # depends on the prediction through differentiable operations
    MAYBE = "maybe"  # a tensor whose role the code does not show
    NO = "no"  # cannot carry a gradient


_GRAD_ORDER = {Grad.NO: 0, Grad.MAYBE: 1, Grad.YES: 2}


def most(*grads: Grad) -> Grad:
    """The strongest of several gradients (a sum of a constant and a prediction carries one)."""
    return max(grads, key=_GRAD_ORDER.__getitem__) if grads else Grad.NO


@dataclass(frozen=True)
class Value:
    kind: Kind
    grad: Grad = Grad.NO
    provenance: frozenset[str] = frozenset()
    element: "Value | None" = None  # what a container holds (all its elements joined)
    members: tuple[tuple[str, "Value"], ...] = ()  # a dict with string keys: its values by key

    @property
    def is_tensor(self) -> bool:
        return self.kind in TENSOR_KINDS

    @property
    def is_float_tensor(self) -> bool:
        return self.kind is Kind.TENSOR

    @property
    def carries_gradient(self) -> bool:
        return self.grad is not Grad.NO

    @property
    def depends_on_prediction(self) -> bool:
        """Computed from the prediction, with a gradient or through a step that cut it."""
        return self.grad is not Grad.NO or "stepped" in self.provenance

    @property
    def is_constant(self) -> bool:
        """Made only of literals and settings (numbers, hyperparameters): nothing the data decides."""
        return "constant" in self.provenance

    def member(self, key: str) -> "Value | None":
        return next((v for k, v in self.members if k == key), None)

    def with_grad(self, grad: Grad) -> "Value":
        return Value(self.kind, grad, self.provenance, self.element, self.members)

    def tagged(self, *tags: str, drop: tuple[str, ...] = ()) -> "Value":
        return Value(self.kind, self.grad, (self.provenance - set(drop)) | set(tags), self.element, self.members)

    def join(self, other: "Value") -> "Value":
        if self == other:
            return self
        if self.kind is Kind.NONE:  # ``return None`` on one path says nothing about the other
            return other
        if other.kind is Kind.NONE:
            return self
        if self.kind is Kind.UNKNOWN and other.kind is not Kind.UNKNOWN and other.kind is not Kind.NONE:
            kind = other.kind if self.grad is Grad.NO and not self.provenance else Kind.UNKNOWN
        elif self.kind is Kind.NONE:
            kind = other.kind
        elif other.kind is Kind.NONE or other.kind is self.kind:
            kind = self.kind
        elif self.kind in TENSOR_KINDS and other.kind in TENSOR_KINDS:
            kind = Kind.TENSOR
        elif {self.kind, other.kind} <= {Kind.TENSOR, Kind.NUMBER, Kind.MASK, Kind.INDEX}:
            kind = Kind.TENSOR if Kind.TENSOR in (self.kind, other.kind) else Kind.UNKNOWN
        else:
            kind = Kind.UNKNOWN
        # What both sides share ("constant" only when both are).
        provenance = frozenset(self.provenance & other.provenance)
        element = self.element.join(other.element) if self.element and other.element else (self.element or other.element)
        # Items both sides know (``return (a, nll)`` on one path, ``(a, nll, aux)`` on the other):
        # an item taken at a shared key is one of the two.
        members = ()
        if kind is Kind.CONTAINER and self.members and other.members:
            theirs = dict(other.members)
            members = tuple((key, value.join(theirs[key])) for key, value in self.members if key in theirs)
        return Value(kind, most(self.grad, other.grad), provenance, element, members)


UNKNOWN = Value(Kind.UNKNOWN, Grad.MAYBE)
OPAQUE = Value(Kind.UNKNOWN, Grad.NO)  # something we do not follow, and that is not a tensor we know of
OPAQUE_BINDING = (UNKNOWN_VALUE,)
NUMBER = Value(Kind.NUMBER, Grad.NO, frozenset({"constant"}))
NUMBER_FROM_DATA = Value(Kind.NUMBER, Grad.NO)  # len(x), x.size(0), x.item(): a number the data decides
STRING = Value(Kind.STRING)
NONE = Value(Kind.NONE, Grad.NO, frozenset({"constant"}))
OTHER = Value(Kind.OTHER)
NUMPY = Value(Kind.NUMPY)
MAX_DEPTH = 24


@dataclass
class _Frame:
    """Argument values bound to a function's parameters while a call is evaluated."""

    function: FunctionInfo
    arguments: dict[str, Value] = field(default_factory=dict)
    # Parameters the call fixes to a literal (``reduction="none"``, a default left as it is), which
    # decide the branches the body takes.
    settings: tuple[tuple[str, object], ...] = ()


class ValueAnalysis:
    def __init__(self, index: ModuleIndex, ranges: RangeAnalysis, scopes, project: Project | None = None) -> None:
        self.index = index
        self.project = project
        self.imports = index.imports
        self.ranges = ranges
        self.scopes = scopes
        # (node, env, frame) ids -> (the value, and the env and frame held alive: an id is only
        # unique while its object lives, and the envs of branches and calls are made afresh).
        self._cache: dict[tuple, tuple[Value, object, object]] = {}
        self._parameters: dict[tuple, Value] = {}
        self._usage: dict[FunctionInfo, dict[str, set[str]]] = {}
        self._loop_usage: dict[FunctionInfo, dict[str, set[str]]] = {}
        self._returns: dict[tuple, Value] = {}
        self._returns_cut: dict[tuple, tuple[Value, int]] = {}  # results cut short, with their depth
        # per function node: the names its body binds (a parameter it rebinds is no setting); the
        # node is kept with them, so that its id stays its own
        self._rebound: dict[int, tuple[cst.CSTNode, frozenset[str]]] = {}
        self._in_progress: set[tuple] = set()
        self._cut = 0  # values cut short (depth bound, cycle) so far
        self._cut_short: dict[tuple, tuple[Value, object, object]] = {}
        self._no_grad_functions: set[FunctionInfo] | None = None
        self._autograd_free: set[FunctionInfo] | None = None
        self._computes: dict[FunctionInfo, bool] = {}

    # -- the entry ------------------------------------------------------------------------------
    def value(self, node: cst.BaseExpression, env: Env, function: FunctionInfo | None,
              frame: _Frame | None = None, depth: int = 0) -> Value:
        if depth > MAX_DEPTH:
            self._cut += 1
            return UNKNOWN
        key = (id(node), id(env), id(frame) if frame else None)
        cached = self._cache.get(key) or self._cut_short.get((key, depth))
        if cached is not None:
            return cached[0]
        if key in self._in_progress:
            self._cut += 1
            return UNKNOWN
        self._in_progress.add(key)
        cuts = self._cut
        try:
            found = self._value(node, env, function, frame, depth + 1)
            if found.grad is Grad.NO and "stepped" not in found.provenance and not isinstance(node, cst.Name):
                # A value computed from the prediction through a step (a comparison, argmax, a cast to
                # integers, detach, item): no gradient, but it still depends on the prediction.
                for part in self._parts(node):
                    inner = self.value(part, env, function, frame, depth + 1)
                    if inner.grad is not Grad.NO or "stepped" in inner.provenance:
                        found = found.tagged("stepped")
                        break
        finally:
            self._in_progress.discard(key)
        if self._cut == cuts:
            self._cache[key] = (found, env, frame)
        else:  # cut short by the depth bound or a cycle: it holds at this depth only, not for a shallower query
            self._cut_short[(key, depth)] = (found, env, frame)
        return found

    def _parts(self, node: cst.BaseExpression) -> list[cst.BaseExpression]:
        """The operands whose values a result depends on (not the shapes or devices it reads)."""
        if isinstance(node, cst.Comparison):
            return [node.left, *(c.comparator for c in node.comparisons)]
        if isinstance(node, cst.BinaryOperation):
            return [node.left, node.right]
        if isinstance(node, cst.UnaryOperation):
            return [node.expression]
        if isinstance(node, cst.Subscript):
            return [node.value]
        if isinstance(node, cst.IfExp):
            return [node.body, node.orelse]
        if isinstance(node, cst.Attribute):  # .data cuts the gradient on purpose, as detach does
            return [] if node.attr.value in V.METADATA_ATTRIBUTES | V.GRADIENT_FREE_ATTRIBUTES else [node.value]
        if isinstance(node, cst.Call):
            positional = [a.value for a in node.args if a.keyword is None and not a.star]
            qualified = self.imports.qualify(node.func)
            if qualified is not None:
                tail = qualified.split(".")[-1]
                if tail in V.CREATION and tail not in V.WRAPPING or qualified.split(".")[0] not in V.TENSOR_ROOTS \
                        or tail in V.GRADIENT_CUTS:
                    return []
                return positional
            if isinstance(node.func, cst.Attribute):
                method = node.func.attr.value
                if method in ("size", "get_shape", "dim", "numel", "nelement", "new_zeros", "new_ones", "new_full", "new_empty",
                              "new_tensor", "type_as", "get_device") or method in V.GRADIENT_CUTS:
                    return []
                return [node.func.value, *positional]
        return []

    def _value(self, node, env: Env, function, frame, depth: int) -> Value:
        v = lambda n: self.value(n, env, function, frame, depth)  # noqa: E731
        if isinstance(node, (cst.Integer, cst.Float, cst.Imaginary)):
            return NUMBER
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
            return STRING
        if isinstance(node, cst.Name):
            if node.value in ("True", "False"):
                return NUMBER
            if node.value == "None":
                return NONE
            return self._name(node.value, env, function, frame, depth)
        if isinstance(node, cst.Attribute):
            return self._attribute(node, env, function, frame, depth)
        if isinstance(node, cst.Subscript):
            return self._subscript(node, env, function, frame, depth)
        if isinstance(node, cst.BinaryOperation):
            return self._binary(node, v(node.left), v(node.right))
        if isinstance(node, cst.UnaryOperation):
            inner = v(node.expression)
            if isinstance(node.operator, cst.Not):
                return NUMBER if not inner.is_tensor else Value(Kind.MASK)
            if isinstance(node.operator, cst.BitInvert) and inner.kind is Kind.MASK:
                return inner
            return inner.tagged(drop=("softmax", "sigmoid", "log_softmax", "loss"))
        if isinstance(node, cst.Comparison):
            sides = [v(node.left), *(v(c.comparator) for c in node.comparisons)]
            if any(isinstance(c.operator, (cst.Is, cst.IsNot, cst.In, cst.NotIn)) for c in node.comparisons):
                return NUMBER_FROM_DATA
            if any(s.is_tensor for s in sides):
                return Value(Kind.MASK)
            if any(s.kind is Kind.NUMPY for s in sides):
                return NUMPY
            return NUMBER if all(s.is_constant for s in sides) else NUMBER_FROM_DATA
        if isinstance(node, cst.BooleanOperation):
            return v(node.left).join(v(node.right))
        if isinstance(node, cst.IfExp):
            return v(node.body).join(v(node.orelse))
        if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
            items = [e.value for e in node.elements if not isinstance(e, cst.StarredElement)]
            container = self._container(items, env, function, frame, depth)
            if isinstance(node, cst.Tuple) and len(items) == len(node.elements):  # positions are members
                members = tuple((str(i), v(item)) for i, item in enumerate(items))
                return Value(container.kind, container.grad, container.provenance, container.element, members)
            return container
        if isinstance(node, cst.Dict):
            members = tuple((e.key.evaluated_value, v(e.value)) for e in node.elements
                            if isinstance(e, cst.DictElement) and isinstance(e.key, cst.SimpleString))
            element = None
            for e in node.elements:
                if isinstance(e, cst.DictElement):
                    element = v(e.value) if element is None else element.join(v(e.value))
            return Value(Kind.CONTAINER, Grad.NO, frozenset(), element, members)
        if isinstance(node, (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)):
            # [tf.zeros(1) for _ in range(4)], [loss(p) for p in preds]: items are what the element
            # computes, with each comprehension variable an element of what it goes through
            inner = dict(env)
            comprehension = node.for_in
            while comprehension is not None:
                for name in _target_names(comprehension.target):
                    inner[name] = OPAQUE_BINDING
                for name, element in _loop_elements(comprehension.target, comprehension.iter):
                    inner[name] = (Binding(element, dict(inner), comprehension),)
                comprehension = comprehension.inner_for_in
            item = self.value(node.value if isinstance(node, cst.DictComp) else node.elt, inner, function, frame,
                              depth + 1)
            # Items of a kind we do not know stay opaque: sizes, ids and records are mapped so as often
            # as tensors are.
            return Value(Kind.CONTAINER, Grad.NO, frozenset(), OPAQUE if item.kind is Kind.UNKNOWN else item)
        if isinstance(node, cst.Lambda):
            return Value(Kind.FUNCTION)
        if isinstance(node, cst.Call):
            return self._call(node, env, function, frame, depth)
        if isinstance(node, cst.NamedExpr):
            return v(node.value)
        if isinstance(node, cst.Await):
            return v(node.expression)
        return UNKNOWN

    def _container(self, items, env, function, frame, depth) -> Value:
        element = None
        for item in items:
            value = self.value(item, env, function, frame, depth)
            element = value if element is None else element.join(value)
        constant = element is None or element.is_constant
        return Value(Kind.CONTAINER, Grad.NO, frozenset({"constant"}) if constant else frozenset(), element)

    # -- names ----------------------------------------------------------------------------------
    def _name(self, name: str, env: Env, function, frame, depth: int) -> Value:
        if name in env:
            result = None
            for binding in env[name]:
                if binding is OUTER:
                    value = self._outer(name, function, frame, depth)
                elif binding.value is not None and getattr(binding.value, "value", None) == "__unknown__":
                    value = self._loop_or_unknown(name, function)
                else:
                    value = self.value(binding.value, binding.env, function, frame, depth)
                    if value.kind is Kind.UNKNOWN and isinstance(binding.statement, cst.For) and function is not None \
                            and "tensor" in self.loop_usage(function).get(name, ()):
                        value = Value(Kind.TENSOR, value.grad, value.provenance)  # for box in boxes: box.clamp(...)
                result = value if result is None else result.join(value)
            return result or UNKNOWN
        return self._outer(name, function, frame, depth)

    def _loop_or_unknown(self, name: str, function) -> Value:
        return UNKNOWN

    def _outer(self, name: str, function, frame, depth: int) -> Value:
        """A name the function does not bind: a parameter, a closure variable, self.x, a module constant."""
        if name.startswith("self.") and function is not None and function.cls is not None:
            return self.attribute_of_self(function.cls, name[5:], depth)
        scope = function
        while scope is not None:
            if frame is not None and frame.function is scope and name in frame.arguments:
                return frame.arguments[name]
            if scope.parameter(name) is not None:
                return self.parameter(scope, name)
            if scope.parent is not None:
                statement = scope.node if isinstance(scope.node, cst.FunctionDef) else None
                parent_env = self.ranges.env_before(scope.parent, statement)
                if name in parent_env:
                    return self.value(cst.Name(name), parent_env, scope.parent, None, depth)
            scope = scope.parent
        return self.module_name(name, depth)

    def module_name(self, name: str, depth: int = 0) -> Value:
        head = name.split(".")[0]
        if self.imports.is_module_name(head):
            qualified = self.imports.qualify_dotted(name) or ""
            if qualified in ("math.pi", "math.e", "math.inf", "np.pi", "np.e", "np.inf", "torch.pi", "math.tau"):
                return NUMBER
            if head in self.imports.aliases and qualified.split(".")[0] not in V.TENSOR_ROOTS | {"np", "numpy", "math"}:
                return OPAQUE  # something imported from another package: what it is, we do not know
            return OTHER
        if name in self.index.classes:
            return Value(Kind.FUNCTION, provenance=frozenset({"class"}))
        if any(f.name == name and f.parent is None and f.cls is None for f in self.index.functions):
            return Value(Kind.FUNCTION)
        constants = self.index.constants()
        if name in constants:
            return self.value(constants[name], {}, None, None, depth)
        if name in self.imports.project_imports:
            return OPAQUE
        return OPAQUE

    def attribute_of_self(self, cls: ClassInfo, attribute: str, depth: int) -> Value:
        """``self.x``: what ``__init__`` assigned (a loss object, a layer, a number, an nn.Parameter)."""
        value = cls.init_attributes.get(attribute)
        init = cls.methods.get("__init__")
        if value is not None and init is not None:
            env = self.ranges.env_before(init, None)
            found = self.value(value, env, init, None, depth)
            if attribute not in cls.changed_attributes and found.grad is not Grad.YES \
                    and found.kind not in (Kind.MODULE, Kind.FUNCTION) and self._built_once(cls):
                # Fixed when the object was built, before any prediction exists, and never changed
                # after: a setting (a learned weight is a parameter, with a gradient, and stays one).
                found = Value(found.kind, Grad.NO, found.provenance | {"constant"}, found.element, found.members)
            elif attribute in cls.changed_attributes:
                found = found.tagged(drop=("constant",))  # changed since: the data decides it
            if found.kind is Kind.UNKNOWN:  # self.criterion = criterion: an object handed in
                return found.tagged("attribute")
            return found
        if attribute in cls.methods:
            return Value(Kind.FUNCTION)
        for statement in cls.node.body.body:  # a class attribute: ``eps = 1e-6``
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, cst.Assign) and any(isinstance(t.target, cst.Name) and t.target.value == attribute
                                                             for t in small.targets):
                        return self.value(small.value, {}, None, None, depth)
        if self.scopes.is_torch_module(cls) or self.scopes.is_keras_layer(cls):
            return Value(Kind.UNKNOWN, Grad.MAYBE, frozenset({"attribute"}))
        return Value(Kind.UNKNOWN, Grad.MAYBE, frozenset({"attribute"}))

    def _built_once(self, cls: ClassInfo) -> bool:
        """A module, layer, loss or trainer: built once from settings, then handed the data on each
        call. (A distribution or a record is built from the tensors themselves.)"""
        scopes = self.scopes
        return scopes.is_torch_module(cls) or scopes.is_torch_loss(cls) or scopes.is_keras_layer(cls) \
            or scopes.is_keras_loss(cls) or any(b.split(".")[-1].endswith("Trainer") for b in scopes.class_bases(cls))

    def _attribute(self, node: cst.Attribute, env, function, frame, depth: int) -> Value:
        name = dotted_name(node)
        attr = node.attr.value
        if name is not None and (name in env or name.startswith("self.") and name.count(".") == 1):
            return self._name(name, env, function, frame, depth)
        if name is not None and self.imports.is_module_name(name.split(".")[0]) and name.split(".")[0] not in env:
            return self.module_name(name, depth)
        base = self.value(node.value, env, function, frame, depth)
        if attr in V.METADATA_ATTRIBUTES:
            if attr == "shape":
                return Value(Kind.CONTAINER, Grad.NO, frozenset(), NUMBER_FROM_DATA)
            if attr in ("ndim", "requires_grad", "is_cuda", "is_leaf", "itemsize", "nbytes"):
                return NUMBER_FROM_DATA
            return OTHER
        if base.is_tensor:
            if attr in V.GRADIENT_FREE_ATTRIBUTES:
                return base.with_grad(Grad.NO)
            if attr in V.VALUE_ATTRIBUTES:
                return base
            return base if attr in ("values",) else UNKNOWN
        if base.kind is Kind.CONTAINER and base.element is not None and attr in ("values", "indices") \
                and not base.members:
            # x.min(dim=1).values, torch.topk(x, k).indices: a named tuple of values and positions
            return base.element if attr == "values" else Value(Kind.INDEX, Grad.NO)
        if base.kind is Kind.CONTAINER and base.members:
            member = base.member(attr)
            if member is not None:
                return member
        if base.kind is Kind.NUMPY:
            return NUMPY
        if base.kind is Kind.MODULE:
            if attr in ("weight", "bias"):
                return Value(Kind.TENSOR, Grad.YES, frozenset({"parameter"}))
            return UNKNOWN
        if base.kind is Kind.NUMBER:
            return base
        if attr == "grad":  # p.grad of a parameter we do not see: a gradient, which carries none
            return Value(Kind.UNKNOWN, Grad.NO)
        return Value(Kind.UNKNOWN, most(Grad.MAYBE if base.kind is Kind.UNKNOWN else Grad.NO, base.grad))

    def _subscript(self, node: cst.Subscript, env, function, frame, depth: int) -> Value:
        base = self.value(node.value, env, function, frame, depth)
        if is_element_of(node):  # what a for loop over the value binds
            return self._element(base)
        if base.is_tensor:
            # Indexing keeps the kind; a boolean or integer index selects elements.
            return base.tagged(drop=("loss",))
        if base.kind is Kind.NUMPY:
            return NUMPY
        if base.kind is Kind.CONTAINER:
            if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
                key = node.slice[0].slice.value
                if isinstance(key, (cst.SimpleString, cst.Integer)) and base.members:
                    member = base.member(str(key.evaluated_value))
                    if member is not None:
                        return member
                if base.element is not None:
                    return base.element
            else:
                kept = _sliced_members(base.members, node.slice[0].slice) if _positional(base) \
                    and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Slice) else None
                if kept is not None:  # forward_output[:5] of a returned tuple keeps what each item is
                    return Value(Kind.CONTAINER, base.grad, base.provenance, base.element, kept)
                if base.element is not None:
                    return Value(Kind.CONTAINER, base.element.grad, base.provenance, base.element)
            return UNKNOWN if base.element is None else base.element
        if base.kind is Kind.STRING:
            return STRING
        if base.kind is Kind.UNKNOWN:
            if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index) \
                    and isinstance(node.slice[0].slice.value, cst.SimpleString):
                # batch["labels"]: a value of a mapping; its key breaks the tie as a name would
                key = node.slice[0].slice.value.evaluated_value
                if V.TARGET_NAME.match(key) or V.SCALAR_NAME.match(key):
                    return Value(Kind.UNKNOWN, Grad.NO, frozenset({"target"}))
                return Value(Kind.UNKNOWN, base.grad)
            return Value(Kind.UNKNOWN, base.grad, base.provenance & {"prediction"})
        return UNKNOWN

    @staticmethod
    def _element(iterated: Value) -> Value:
        """An element of an iterated value: a row of a tensor or an array, an item of a list; of a
        mapping (its keys), of a string or of what we do not know, nothing known."""
        if iterated.is_tensor or iterated.kind is Kind.NUMPY:
            return iterated.tagged(drop=("loss",))
        if iterated.kind is Kind.CONTAINER:
            if iterated.members and not all(key.isdigit() for key, _ in iterated.members):
                return UNKNOWN  # a dict: its keys
            return iterated.element if iterated.element is not None else UNKNOWN
        if iterated.kind is Kind.STRING:
            return STRING
        if iterated.kind is Kind.UNKNOWN:
            return Value(Kind.UNKNOWN, iterated.grad, iterated.provenance & {"prediction", "target"})
        return UNKNOWN

    # -- operators ------------------------------------------------------------------------------
    def _binary(self, node: cst.BinaryOperation, left: Value, right: Value) -> Value:
        op = node.operator
        if isinstance(op, (cst.BitAnd, cst.BitOr, cst.BitXor)) and Kind.MASK in (left.kind, right.kind):
            return Value(Kind.MASK)
        if isinstance(op, cst.Add) and left.kind is Kind.CONTAINER and right.kind is Kind.CONTAINER:
            return left.join(right)
        if isinstance(op, cst.Modulo) and left.kind is Kind.STRING:
            return STRING
        kinds = {left.kind, right.kind}
        grad = most(left.grad, right.grad)
        if isinstance(op, (cst.FloorDivide, cst.LeftShift, cst.RightShift)):
            grad = Grad.NO
        constant = left.is_constant and right.is_constant
        provenance = frozenset({"constant"}) if constant else frozenset()
        provenance |= (left.provenance | right.provenance) & {"prediction", "from-tensor", "stepped"}
        if isinstance(op, (cst.Add, cst.Subtract, cst.Multiply, cst.Divide)) and "loss" in left.provenance | right.provenance:
            provenance |= {"loss"}  # a weighted loss, a sum of loss terms: still a loss
        if kinds & {Kind.TENSOR, Kind.MASK, Kind.INDEX}:
            if kinds <= {Kind.INDEX, Kind.MASK, Kind.NUMBER} and not isinstance(op, cst.Divide) \
                    and left.kind is not Kind.TENSOR and right.kind is not Kind.TENSOR:
                number_side = left if left.kind is Kind.NUMBER else right
                kind = Kind.INDEX if (Kind.INDEX in kinds or number_side is not left) else Kind.INDEX
                return Value(kind, Grad.NO, provenance)
            return Value(Kind.TENSOR, grad, provenance)
        if Kind.NUMPY in kinds:
            return Value(Kind.NUMPY, Grad.NO, provenance)
        if kinds == {Kind.NUMBER}:
            return Value(Kind.NUMBER, Grad.NO, provenance)
        if Kind.STRING in kinds:
            return STRING
        if Kind.NUMBER in kinds and Kind.UNKNOWN in kinds:
            other = left if left.kind is Kind.UNKNOWN else right
            return Value(Kind.UNKNOWN, other.grad, other.provenance & {"prediction"})
        return Value(Kind.UNKNOWN, grad, provenance)

    # -- calls ----------------------------------------------------------------------------------
    def _call(self, node: cst.Call, env, function, frame, depth: int) -> Value:
        v = lambda n: self.value(n, env, function, frame, depth)  # noqa: E731
        func = node.func
        positional = [a.value for a in node.args if a.keyword is None and not a.star]
        keywords = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        qualified = self.imports.qualify(func)
        if qualified is not None:
            return self._qualified_call(node, qualified, positional, keywords, env, function, frame, depth)
        if isinstance(func, cst.Name):
            name = func.value
            if name not in self.imports.bound_names or name not in env and self._is_builtin(name, function):
                builtin = self._builtin(name, positional, v, keywords)
                if builtin is not None:
                    return builtin
            return self._call_value(node, v(func), positional, keywords, env, function, frame, depth, name)
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            dotted = dotted_name(func)
            if dotted is not None and dotted.startswith("self.") and dotted.count(".") == 1 \
                    and function is not None and function.cls is not None:
                cls = function.cls
                helper = self._method(cls, method)
                if helper is not None:
                    return self.call_result(helper, node, positional, keywords, env, function, frame, depth)
                if dotted not in env:
                    callee = self.attribute_of_self(cls, method, depth)
                    return self._call_value(node, callee, positional, keywords, env, function, frame, depth, method)
            if isinstance(func.value, cst.Call) and isinstance(func.value.func, cst.Name) and func.value.func.value == "super":
                return self._super_call(node, method, positional, keywords, env, function, frame, depth)
            if isinstance(func.value, cst.Name) and func.value.value in self.imports.project_imports \
                    and func.value.value not in env:
                # ``lmu.logsumexp(x)`` of ``from ..utils import loss_utils as lmu``: a function of
                # the project applied to its arguments, not a tensor method of the module.
                imported = self._imported_call(node, positional, keywords, env, function, frame, depth)
                return imported or _applied_to(positional, keywords, v)
            receiver = v(func.value)
            return self._method_call(node, method, receiver, positional, keywords, env, function, frame, depth)
        if isinstance(func, cst.Call):  # nn.BCELoss()(p, y)
            callee = v(func)
            return self._call_value(node, callee, positional, keywords, env, function, frame, depth, None)
        return UNKNOWN

    def _is_builtin(self, name: str, function) -> bool:
        return not any(f.name == name and isinstance(f.node, cst.FunctionDef) for f in self.index.functions)

    def _builtin(self, name: str, positional, v, keywords=None) -> Value | None:
        if name in ("len", "int", "round", "hash", "ord", "id", "bool"):
            values = [v(p) for p in positional]
            return NUMBER if all(x.is_constant for x in values) else NUMBER_FROM_DATA
        if name == "float":
            inner = v(positional[0]) if positional else NUMBER
            if inner.is_tensor:
                return Value(Kind.NUMBER, Grad.NO, frozenset({"from-tensor"}))
            return NUMBER if inner.is_constant else NUMBER_FROM_DATA
        if name in ("max", "min", "sum", "abs", "pow"):
            if len(positional) == 1 and name != "abs":
                inner = v(positional[0])
                return inner.element if inner.kind is Kind.CONTAINER and inner.element else Value(inner.kind, inner.grad)
            result = None
            for p in positional:
                value = v(p)
                result = value if result is None else result.join(value)
            return result or NUMBER
        if name in V.CONTAINER_BUILTINS:
            element = None
            if positional and name in ("list", "tuple", "sorted", "reversed", "set", "frozenset"):
                inner = v(positional[0])
                element = inner.element if inner.kind is Kind.CONTAINER else None
            if name == "range":
                element = NUMBER
            if name == "dict" and keywords:  # dict(loss=loss, acc=acc): a record, as its literal is
                members = tuple((key, v(value)) for key, value in keywords.items())
                for _, member in members:
                    element = member if element is None else element.join(member)
                return Value(Kind.CONTAINER, Grad.NO, frozenset(), element, members)
            return Value(Kind.CONTAINER, Grad.NO, frozenset(), element)
        if name in V.STRING_BUILTINS:
            return STRING if name in ("str", "repr", "format", "chr") else (
                NUMBER_FROM_DATA if name in ("isinstance", "issubclass", "hasattr", "callable") else UNKNOWN)
        if name in ("print",):
            return NONE
        return None

    def _qualified_call(self, node, qualified: str, positional, keywords, env, function, frame, depth) -> Value:
        v = lambda n: self.value(n, env, function, frame, depth)  # noqa: E731
        root = qualified.split(".")[0]
        tail = qualified.split(".")[-1]
        operands = [v(p) for p in positional] + [v(x) for k, x in keywords.items()
                                                 if k in ("input", "x", "logits", "y_pred", "labels", "target")]
        grad = most(*(o.grad for o in operands if o.is_tensor or o.kind is Kind.UNKNOWN)) if operands else Grad.NO
        if root in V.NUMBER_MODULES:
            return NUMBER if all(o.is_constant for o in operands) else NUMBER_FROM_DATA
        if root in ("np", "numpy", "scipy"):
            if any(o.is_tensor or "from-tensor" in o.provenance for o in operands):
                return Value(Kind.NUMPY, Grad.NO, frozenset({"from-tensor"}))  # the gradient stopped (LL501)
            return NUMPY.tagged("constant") if all(o.is_constant for o in operands) else NUMPY
        if tail in ("Parameter", "Variable") and root in ("torch", "tf", "keras"):
            return Value(Kind.TENSOR, Grad.YES, frozenset({"parameter"}))
        if V.LOSS_CLASS.match(qualified):
            return Value(Kind.MODULE, Grad.NO, frozenset({"loss-object", qualified}))
        if V.MODEL_CLASS.match(qualified):
            return Value(Kind.MODULE, Grad.NO, frozenset({"model"}))
        if V.LOSS_FUNCTION.match(qualified):
            prediction = [o for o in operands if o.is_tensor or o.kind is Kind.UNKNOWN]
            return _loss_of(prediction)
        if root not in V.TENSOR_ROOTS:
            if qualified in self.index.classes:
                return Value(Kind.UNKNOWN, Grad.NO)
            imported = self._imported_call(node, positional, keywords, env, function, frame, depth)
            return imported or _applied_to(positional, keywords, v)  # another package's function
        constant = all(o.is_constant for o in operands)
        if tail in V.GRADIENT_CUTS or qualified in ("tf.stop_gradient", "keras.ops.stop_gradient", "K.stop_gradient",
                                                   "jax.lax.stop_gradient"):
            inner = operands[0] if operands else UNKNOWN
            return Value(inner.kind if inner.is_tensor else Kind.TENSOR, Grad.NO, inner.provenance | {"detached"})
        if V.python_bool_result(qualified):
            return NUMBER_FROM_DATA
        if tail in V.MASK_RESULT or tail in ("equal", "not_equal") or qualified in ("tf.math.is_nan",):
            return Value(Kind.MASK, Grad.NO)
        if tail in V.INDEX_RESULT:
            return Value(Kind.INDEX, Grad.NO)
        if tail in ("where",) and len(positional) == 1:
            return Value(Kind.CONTAINER, Grad.NO, frozenset(), Value(Kind.INDEX))
        # torch.max(x, dim) gives (values, indices); torch.max(x, other) of two tensors, one tensor.
        elementwise = tail in ("max", "min") and ("other" in keywords or (len(positional) >= 2 and operands[1].is_tensor))
        if tail in ("topk", "sort", "max", "min", "median", "mode", "kthvalue") and root == "torch" and not elementwise \
                and (len(positional) >= 2 or "dim" in keywords or tail in ("topk", "sort")):
            inner = operands[0] if operands else UNKNOWN
            return Value(Kind.CONTAINER, Grad.NO, frozenset(), Value(Kind.TENSOR, inner.grad))
        requires_grad = keywords.get("requires_grad")
        if tail in V.CREATION and isinstance(requires_grad, cst.Name) and requires_grad.value == "True":
            return Value(Kind.TENSOR, Grad.YES, frozenset({"parameter"}))  # a leaf to learn
        if tail in V.CREATION:
            if tail in V.GRADIENT_KEEPING_WRAPS and operands and (operands[0].is_tensor or operands[0].kind is Kind.UNKNOWN):
                return operands[0] if operands[0].is_tensor else Value(Kind.TENSOR, operands[0].grad,
                                                                       operands[0].provenance)
            if tail in V.WRAPPING and operands and operands[0].is_tensor:
                return Value(operands[0].kind, Grad.NO, operands[0].provenance | {"rewrapped"})
            dtype = keywords.get("dtype")
            kind = self._dtype_kind(dtype) if dtype is not None else (
                Kind.INDEX if tail in ("arange", "randint", "randperm", "range", "tril_indices", "triu_indices")
                and not any(isinstance(p, cst.Float) for p in positional) else Kind.TENSOR)
            like = tail.endswith("_like") and operands and operands[0].is_tensor
            tags = {"constant"} if constant or tail in ("zeros", "ones", "full", "eye", "arange", "linspace") else set()
            if tail in ("rand", "randn", "rand_like", "randn_like", "normal", "uniform", "bernoulli",
                        "random_uniform", "random_normal", "truncated_normal", "randint", "randperm", "multinomial"):
                tags = {"noise"}
            if like and not tags:
                tags = set()
            return Value(kind if not like or dtype is not None else (operands[0].kind if tail not in ("zeros_like", "ones_like", "full_like", "empty_like") else Kind.TENSOR),
                         Grad.NO, frozenset(tags))
        if tail in ("cast", "to") and ("dtype" in keywords or len(positional) >= 2):
            dtype = keywords.get("dtype", positional[1] if len(positional) >= 2 else None)
            kind = self._dtype_kind(dtype)
            inner = operands[0] if operands else UNKNOWN
            if kind in (Kind.INDEX, Kind.MASK):
                return Value(kind, Grad.NO)
            return Value(Kind.TENSOR, inner.grad if inner.kind is not Kind.MASK else Grad.NO,
                         inner.provenance & {"constant", "prediction"})
        meaning = self.imports.meaning(node)
        if meaning is not None:
            op = meaning.op
            if not op.differentiable or op.name in V.STEP:
                kind = Kind.INDEX if op.name in ("argmax", "argmin") else Kind.TENSOR
                return Value(kind, Grad.NO, frozenset({"constant"}) if constant else frozenset())
            tags = {op.name} if op.name in ("softmax", "sigmoid") else set()
            first = operands[0] if operands else UNKNOWN
            if op.name in ("clamp", "clamp_min", "clamp_max", "maximum", "minimum", "abs", "square", "mean", "sum", "max",
                           "min", "where", "add", "multiply", "pow", "relu"):
                if op.name == "where" and len(operands) >= 3:
                    branches = operands[1].join(operands[2])
                    return Value(Kind.TENSOR, most(operands[1].grad, operands[2].grad),
                                 frozenset({"constant"}) if branches.is_constant else frozenset())
            if constant and operands:
                tags.add("constant")
            if op.name in ("mean", "sum") and "loss" in first.provenance:
                tags.add("loss")  # torch.mean(F.cross_entropy(...)): a reduced loss is still the loss
            kind = Kind.TENSOR
            if first.kind is Kind.INDEX and op.name in ("sum", "max", "min", "abs", "clamp", "clamp_min", "clamp_max",
                                                        "maximum", "minimum"):
                kind = Kind.INDEX
            return Value(kind, grad if operands else Grad.NO, frozenset(tags))
        if tail in ("log_softmax",):
            return Value(Kind.TENSOR, grad, frozenset({"log_softmax"}))
        if tail in ("normalize", "l2_normalize"):
            return Value(Kind.TENSOR, grad, frozenset({"normalized"}))
        if tail in ("no_grad", "enable_grad", "inference_mode", "autocast", "GradientTape", "device", "dtype",
                    "get_default_dtype", "name_scope", "variable_scope"):
            return OTHER
        if tail in ("placeholder", "placeholder_with_default"):  # fed data: no parameter behind it
            return Value(Kind.TENSOR, Grad.NO, frozenset({"input"}))
        if tail in ("get_variable",):
            return Value(Kind.TENSOR, Grad.YES, frozenset({"parameter"}))
        if tail in ("shape", "size", "rank") and root in ("tf", "keras", "K"):
            return Value(Kind.INDEX, Grad.NO)
        if tail in ("stack", "cat", "concat", "concatenate", "hstack", "vstack", "einsum", "matmul", "mm", "bmm"):
            items = []
            for o in operands:
                items.append(o.element if o.kind is Kind.CONTAINER and o.element else o)
            return Value(Kind.TENSOR, most(*(i.grad for i in items)) if items else Grad.NO,
                         frozenset({"constant"}) if items and all(i.is_constant for i in items) else frozenset())
        imported = self._imported_call(node, positional, keywords, env, function, frame, depth)
        if imported is not None:  # the framework's own code calling one of its helpers
            return imported
        # Any other framework op on tensors: a tensor, differentiable in its operands.
        if qualified.startswith(("torch.nn.", "keras.layers.", "keras.Model", "keras.Sequential")):
            return Value(Kind.MODULE, Grad.NO, frozenset({"model"}))
        if tail not in V.TENSOR_FUNCTIONS and not any(o.is_tensor or o.kind is Kind.UNKNOWN for o in operands):
            return OPAQUE  # a framework utility on settings (F._Reduction.get_enum("mean"))
        return Value(Kind.TENSOR, grad if operands else Grad.NO,
                     frozenset({"constant"}) if operands and constant else frozenset())

    def _dtype_kind(self, dtype: cst.BaseExpression | None) -> Kind:
        name = (dotted_name(dtype) if dtype is not None else None) or (
            dtype.evaluated_value if isinstance(dtype, cst.SimpleString) else "")
        tail = str(name).split(".")[-1]
        if tail == "bool":
            return Kind.MASK
        if tail in V.INTEGER_DTYPES:
            return Kind.INDEX
        return Kind.TENSOR

    def _method_call(self, node, method: str, receiver: Value, positional, keywords, env, function, frame,
                     depth: int) -> Value:
        v = lambda n: self.value(n, env, function, frame, depth)  # noqa: E731
        if receiver.kind is Kind.STRING:
            return STRING if method not in ("split", "startswith", "endswith") else NUMBER_FROM_DATA
        if receiver.kind is Kind.CONTAINER:
            if method in ("get", "pop", "setdefault") and positional and receiver.members \
                    and isinstance(positional[0], cst.SimpleString):
                member = receiver.member(positional[0].evaluated_value)
                if member is not None:
                    return member
            if method in ("get", "pop") and receiver.element is not None:
                return receiver.element
            if method in ("items", "keys", "values", "copy"):
                return receiver
            if method in ("append", "extend", "update", "insert", "clear", "sort", "reverse", "add"):
                return NONE
            if method in ("index", "count"):
                return NUMBER_FROM_DATA
            return UNKNOWN
        if receiver.kind is Kind.NUMPY:
            if method in V.NUMBER_METHODS or method == "tolist":
                return NUMBER_FROM_DATA
            return NUMPY
        if receiver.kind is Kind.NUMBER:
            return receiver if method not in ("is_integer",) else NUMBER
        if receiver.kind is Kind.MODULE:
            if method in ("forward", "__call__", "call"):
                return self._call_value(node, receiver, positional, keywords, env, function, frame, depth, method)
            if method in ("parameters", "named_parameters", "state_dict", "children", "modules"):
                return Value(Kind.CONTAINER, Grad.NO, frozenset(), Value(Kind.TENSOR, Grad.YES, frozenset({"parameter"})))
            if method in ("to", "cuda", "cpu", "train", "eval", "float", "double", "half", "requires_grad_"):
                return receiver
            return UNKNOWN
        if receiver.is_tensor or receiver.kind is Kind.UNKNOWN and method in _TENSOR_ONLY:
            tensor = receiver if receiver.is_tensor else Value(Kind.TENSOR, receiver.grad, receiver.provenance)
            return self._tensor_method(method, tensor, positional, keywords, v)
        if receiver.kind is Kind.FUNCTION and method in ("apply",):  # torch.autograd.Function.apply
            operands = [v(p) for p in positional]
            return Value(Kind.TENSOR, most(*(o.grad for o in operands)) if operands else Grad.MAYBE)
        if receiver.kind is Kind.UNKNOWN:
            if method in V.NUMBER_METHODS and not positional:
                return NUMBER_FROM_DATA
            if method in ("items", "keys", "values"):
                return Value(Kind.CONTAINER, Grad.NO, frozenset(), UNKNOWN)
            if method in ("get", "pop") and positional and isinstance(positional[0], cst.SimpleString):
                return Value(Kind.UNKNOWN, receiver.grad)
            operands = [v(p) for p in positional]
            tensors = [o for o in operands if o.is_tensor]
            if V.returns_a_loss(method):
                # ``self.head.loss(q, k)``, ``sampler.get_variational_loss()`` of an object not seen:
                # what the method's name says it returns, where nothing else tells
                return _loss_of(tensors)
            if tensors:  # an object's method applied to tensors (a layer, a distribution, a helper)
                return Value(Kind.UNKNOWN, most(*(o.grad for o in tensors)))
            if any(o.grad is Grad.YES for o in operands):  # ``net.apply(params, x)`` of differentiated params
                return Value(Kind.UNKNOWN, Grad.YES)
            return Value(Kind.UNKNOWN, receiver.grad)
        return UNKNOWN

    def _tensor_method(self, method: str, tensor: Value, positional, keywords, v) -> Value:
        if method in V.NUMBER_METHODS:
            return Value(Kind.NUMBER, Grad.NO, frozenset({"from-tensor"}) if method == "item" else frozenset())
        if method in ("size", "get_shape"):  # the static shape (TensorFlow's get_shape): numbers, no gradient
            return NUMBER_FROM_DATA if positional or "dim" in keywords else \
                Value(Kind.CONTAINER, Grad.NO, frozenset(), NUMBER_FROM_DATA)
        if method in V.LIST_METHODS:
            return Value(Kind.CONTAINER, Grad.NO, frozenset({"from-tensor"}), NUMBER_FROM_DATA)
        if method in V.NUMPY_METHODS:
            return Value(Kind.NUMPY, Grad.NO, frozenset({"from-tensor"}))
        if method in V.GRADIENT_CUTS:
            return tensor.with_grad(Grad.NO).tagged("detached")
        if method in V.INDEX_CASTS:
            return Value(Kind.INDEX, Grad.NO, tensor.provenance & {"constant"})
        if method in V.MASK_CASTS:
            return Value(Kind.MASK, Grad.NO, tensor.provenance & {"constant"})
        if method in ("float", "double", "half", "bfloat16"):
            if tensor.kind in (Kind.MASK, Kind.INDEX):
                return Value(Kind.TENSOR, Grad.NO, tensor.provenance & {"constant"} | {"from-" + tensor.kind.value})
            return tensor
        if method in ("to", "type") and positional:
            kind = self._dtype_kind(positional[0])
            if kind in (Kind.INDEX, Kind.MASK):
                return Value(kind, Grad.NO)
            if tensor.kind in (Kind.MASK, Kind.INDEX) and kind is Kind.TENSOR and dotted_name(positional[0]) \
                    and "float" in (dotted_name(positional[0]) or "") + "double half":
                return Value(Kind.TENSOR, Grad.NO, tensor.provenance & {"constant"})
            return tensor
        if method in ("to", "type") and "dtype" in keywords:
            kind = self._dtype_kind(keywords["dtype"])
            return Value(kind, Grad.NO) if kind in (Kind.INDEX, Kind.MASK) else tensor
        if method in V.MASK_RESULT or method in ("__eq__", "__ne__"):
            return Value(Kind.MASK, Grad.NO)
        if method in V.BOOL_METHODS:
            return Value(Kind.MASK, Grad.NO)
        if method in V.BOOL_RESULT or method.startswith("is_"):
            return NUMBER_FROM_DATA
        if method in V.INDEX_RESULT:
            return Value(Kind.INDEX, Grad.NO)
        if method in V.STEP:
            return Value(tensor.kind, Grad.NO, tensor.provenance & {"constant"})
        elementwise = method in ("max", "min") and ("other" in keywords or (positional and v(positional[0]).is_tensor))
        if method in ("topk", "sort") or (method in ("max", "min", "median", "mode") and not elementwise
                                          and (positional or "dim" in keywords)):
            return Value(Kind.CONTAINER, Grad.NO, frozenset(), Value(Kind.TENSOR, tensor.grad, tensor.provenance & {"constant"}))
        if method in ("new_zeros", "new_ones", "new_full", "new_empty", "new_tensor", "zero_", "fill_"):
            return Value(Kind.TENSOR, Grad.NO, frozenset({"constant"}))
        if method in V.RANDOM_FILLS:  # the draw replaces what the tensor held
            return Value(Kind.TENSOR, Grad.NO, frozenset({"noise"}))
        if method in ("split", "chunk", "unbind", "tensor_split"):
            return Value(Kind.CONTAINER, Grad.NO, frozenset(), tensor)
        if method in SCATTERS:
            # x.scatter_add(dim, index, src): the result holds src's values where the index says.
            sources = [v(p) for p in positional] + [v(x) for k, x in keywords.items() if k in ("src", "source", "value")]
            sources = [o for o in sources if o.is_float_tensor or o.kind is Kind.UNKNOWN and o.grad is not Grad.NO]
            constant = "constant" in tensor.provenance and all(o.is_constant for o in sources)
            return Value(Kind.TENSOR if tensor.kind is not Kind.INDEX else Kind.INDEX,
                         most(tensor.grad, *(o.grad for o in sources)),
                         (tensor.provenance & {"prediction"}) | ({"constant"} if constant else set()))
        if method in ("masked_fill", "masked_fill_", "index_fill", "where", "clamp", "clip",
                      "clamp_min", "clamp_max"):
            return Value(Kind.TENSOR if tensor.kind is not Kind.INDEX else Kind.INDEX, tensor.grad,
                         tensor.provenance & {"constant", "prediction"})
        if method in ("requires_grad_",):
            return tensor.with_grad(Grad.YES)
        if method in ("sum", "mean", "prod", "cumsum") and tensor.kind is Kind.MASK:
            return Value(Kind.INDEX if method in ("sum", "cumsum") else Kind.TENSOR, Grad.NO, frozenset({"count"}))
        if method in ("softmax", "sigmoid"):
            return Value(Kind.TENSOR, tensor.grad, frozenset({method}))
        if method in ("log_softmax",):
            return Value(Kind.TENSOR, tensor.grad, frozenset({"log_softmax"}))
        operands = [v(p) for p in positional]
        grad = most(tensor.grad, *(o.grad for o in operands if o.is_tensor))
        keep = tensor.provenance & {"constant", "prediction", "count", "from-mask", "from-index"}
        if method in _VALUE_KEEPING:
            return Value(tensor.kind, grad, tensor.provenance)
        if method in ("sum", "mean", "nansum", "nanmean"):  # a reduced loss is still the loss
            keep = keep | (tensor.provenance & {"loss"})
        if tensor.kind in (Kind.INDEX, Kind.MASK) and method in ("sum", "max", "min", "abs", "flatten", "view",
                                                               "reshape", "squeeze", "unsqueeze", "cumsum"):
            return Value(Kind.INDEX if tensor.kind is Kind.INDEX or method in ("sum", "cumsum") else tensor.kind,
                         Grad.NO, keep)
        return Value(Kind.TENSOR, grad, keep)

    def _call_value(self, node, callee: Value, positional, keywords, env, function, frame, depth, name) -> Value:
        """Calling a value: a module or loss object, a same-module function, a class, or an unknown."""
        v = lambda n: self.value(n, env, function, frame, depth)  # noqa: E731
        operands = [v(p) for p in positional] + [v(x) for x in keywords.values()]
        tensors = [o for o in operands if o.is_tensor or o.kind is Kind.UNKNOWN and o.grad is not Grad.NO]
        if callee.kind is Kind.MODULE:
            if "loss-object" in callee.provenance:
                return _loss_of(tensors)
            return Value(Kind.TENSOR, Grad.YES, frozenset({"prediction"}))
        if name is not None and isinstance(node.func, cst.Name):
            passed = dict(frame.settings).get(name) if frame is not None and frame.function is function else None
            if isinstance(passed, _PassedFunction) and depth <= MAX_DEPTH - 6:
                # loss_fn(predictions, targets), loss_fn handed in (too deep to follow, the call is
                # read as any call of an unknown function is)
                helper = passed.info
            else:
                helper = self._function(name, function)
            if helper is not None:
                return self.call_result(helper, node, positional, keywords, env, function, frame, depth)
            cls = self.index.classes.get(name)
            if cls is not None:
                return self._instance(cls)
            imported = self._imported_call(node, positional, keywords, env, function, frame, depth)
            if imported is not None:
                return imported
        if callee.kind is Kind.FUNCTION:
            return Value(Kind.UNKNOWN, most(*(o.grad for o in tensors)) if tensors else Grad.NO)
        if callee.kind is Kind.UNKNOWN and "attribute" in callee.provenance:
            # self.something(x) in a module: a submodule (a prediction) or a built loss (named so);
            # an inherited target builder (``self._get_targets(...)``) gives targets, no gradient.
            if name is not None and V.prepares_targets(name):
                return Value(Kind.UNKNOWN, Grad.NO)
            if name is not None and V.LOSS_WORDS.search(name):
                return _loss_of(tensors)
            if tensors:
                return Value(Kind.TENSOR if any(o.is_tensor for o in tensors) else Kind.UNKNOWN,
                             Grad.YES if any(o.grad is not Grad.NO for o in tensors) else Grad.MAYBE,
                             frozenset({"prediction"}))
            return Value(Kind.UNKNOWN, Grad.MAYBE)
        if tensors:
            return Value(Kind.UNKNOWN, most(*(o.grad for o in tensors)))
        if callee.kind is Kind.UNKNOWN and callee.grad is Grad.NO:
            return OPAQUE
        return Value(Kind.UNKNOWN, Grad.MAYBE if callee.grad is not Grad.NO else Grad.NO)

    def _instance(self, cls: ClassInfo) -> Value:
        if self.scopes.is_torch_loss(cls) or self.scopes.is_keras_loss(cls):
            return Value(Kind.MODULE, Grad.NO, frozenset({"loss-object", cls.name}))
        if self.scopes.is_torch_module(cls) or self.scopes.is_keras_layer(cls):
            return Value(Kind.MODULE, Grad.NO, frozenset({"model"}))
        return OPAQUE

    def _super_call(self, node, method, positional, keywords, env, function, frame, depth) -> Value:
        v = lambda n: self.value(n, env, function, frame, depth)  # noqa: E731
        operands = [v(p) for p in positional]
        tensors = [o for o in operands if o.is_tensor or o.kind is Kind.UNKNOWN and o.grad is not Grad.NO]
        if method in ("forward", "__call__", "call") and function is not None and function.cls is not None \
                and (self.scopes.is_torch_loss(function.cls) or self.scopes.is_keras_loss(function.cls)):
            return _loss_of(tensors)
        if method == "__init__":
            return NONE
        if V.returns_a_loss(method):  # super().compute_loss(model, out, sample): the parent's loss
            return _loss_of(tensors)
        return Value(Kind.UNKNOWN, most(*(o.grad for o in tensors)) if tensors else Grad.MAYBE)

    # -- same-module functions ------------------------------------------------------------------
    def _function(self, name: str, caller: FunctionInfo | None) -> FunctionInfo | None:
        scope = caller
        while scope is not None:  # a def nested in an enclosing function
            for f in self.index.functions:
                if f.name == name and f.parent is scope and isinstance(f.node, cst.FunctionDef):
                    return f
            scope = scope.parent
        return next((f for f in self.index.functions if f.name == name and f.parent is None and f.cls is None
                     and isinstance(f.node, cst.FunctionDef)), None)

    def _method(self, cls: ClassInfo, name: str, seen: frozenset = frozenset()) -> FunctionInfo | None:
        if name in cls.methods:
            return cls.methods[name]
        for base in cls.bases:
            local = self.index.classes.get(dotted_name(base) or "")
            if local is not None and local is not cls and local.name not in seen:
                found = self._method(local, name, seen | {cls.name})
                if found is not None:
                    return found
        return None

    def _imported_call(self, node: cst.Call, positional, keywords, env, function, frame, depth: int) -> Value | None:
        """What a function of another module of the project returns for these arguments, evaluated
        in its own module; None when the call names no such function."""
        found = self.project.function(node.func, env) if self.project is not None else None
        if found is None:
            return None
        if depth > MAX_DEPTH - 6:
            self._cut += 1
            return UNKNOWN
        other, helper = found
        arguments = self._bound(helper, positional, keywords, env, function, frame, depth)
        before = other.values._cut
        # (this module's functions mean nothing there: none is handed on)
        settings = self._settings(helper, node, positional, keywords, function, frame, with_functions=False)
        result = other.values.result_for(helper, arguments, depth, settings)
        if other.values._cut != before:
            self._cut += 1  # cut short over there: not a result to keep here either
        return result

    def _bound(self, helper: FunctionInfo, positional, keywords, env, function, frame, depth) -> dict[str, Value]:
        params = [p for p in helper.parameters() if p.name.value not in ("self", "cls")]
        arguments: dict[str, Value] = {}
        for param, arg in zip(params, positional):
            arguments[param.name.value] = self.value(arg, env, function, frame, depth)
        for key, arg in keywords.items():
            if helper.parameter(key) is not None:
                arguments[key] = self.value(arg, env, function, frame, depth)
        return arguments

    def call_result(self, helper: FunctionInfo, node: cst.Call, positional, keywords, env, function, frame,
                    depth: int) -> Value:
        """What ``helper(...)`` returns, with the caller's arguments bound to its parameters."""
        if isinstance(helper.node, cst.Lambda):
            return UNKNOWN
        if depth > MAX_DEPTH - 6:
            self._cut += 1  # cut short: what the caller computes from it holds at this depth only
            return UNKNOWN
        result = self.result_for(helper, self._bound(helper, positional, keywords, env, function, frame, depth), depth,
                                 self._settings(helper, node, positional, keywords, function, frame))
        if result.kind is Kind.UNKNOWN and V.returns_a_loss(helper.name):
            # ``self._step_value_loss(p, t)`` returning another module's loss: a tensor, as it says
            return Value(Kind.TENSOR, result.grad, result.provenance | {"loss"})
        return result

    def _rebound_names(self, function: FunctionInfo) -> frozenset[str]:
        known = self._rebound.get(id(function.node))
        if known is None or known[0] is not function.node:
            known = self._rebound[id(function.node)] = (function.node, _bound_in_body(function))
        return known[1]

    def _settings(self, helper: FunctionInfo, node: cst.Call, positional, keywords, function, frame,
                  with_functions: bool = True) -> tuple:
        """The parameters of ``helper`` this call fixes to a literal: passed as one
        (``reduction="none"``), handed on from the caller's own settings, or left at a literal default;
        none that the helper rebinds, and nothing where the call spreads ``*args`` or ``**kwargs``."""
        if isinstance(helper.node, cst.Lambda) or any(a.star for a in node.args):
            return ()
        params = [p for p in helper.parameters() if p.name.value not in ("self", "cls") and not p.star]
        given = dict(zip((p.name.value for p in params), positional))
        given.update(keywords)
        caller_settings = dict(frame.settings) if frame is not None and frame.function is function else {}
        rebound = self._rebound_names(helper)
        out = []
        for param in params:
            name = param.name.value
            if name in rebound:
                continue
            if name in given:
                arg = given[name]
                setting = caller_settings.get(arg.value, _NO_SETTING) if isinstance(arg, cst.Name) else _literal(arg)
            else:
                setting = _literal(param.default) if param.default is not None else _NO_SETTING
            if with_functions and setting is _NO_SETTING and name in given and isinstance(given[name], cst.Name) \
                    and (function is None or (given[name].value not in self._rebound_names(function)
                                              and function.parameter(given[name].value) is None)):
                passed = self._function(given[name].value, function)  # a same-module function handed in
                setting = _PassedFunction(passed) if passed is not None else _NO_SETTING
            if setting is not _NO_SETTING:
                out.append((name, setting))
        return tuple(out)

    def result_for(self, helper: FunctionInfo, arguments: dict[str, Value], depth: int, settings: tuple = ()) -> Value:
        """What ``helper`` returns with these argument values bound to its parameters."""
        signature = (id(helper), tuple(sorted((k, hash(a)) for k, a in arguments.items())), settings)
        known = self._returns.get(signature)
        if known is not None:
            return known
        short = self._returns_cut.get(signature)
        if short is not None and short[1] <= depth:
            self._cut += 1  # cut short at this depth or a shallower one: as much as this call could see
            return short[0]
        if signature in self._in_progress:
            self._cut += 1
            return UNKNOWN
        self._in_progress.add(signature)
        cuts = self._cut
        try:
            result = self.returns(helper, _Frame(helper, arguments, settings), depth)
        finally:
            self._in_progress.discard(signature)
        # A result cut short (depth bound, cycle) holds from this depth down: a shallower call sees more.
        if self._cut == cuts:
            self._returns[signature] = result
        else:
            self._returns_cut[signature] = (result, depth)
        return result

    def returns(self, helper: FunctionInfo, frame: _Frame | None = None, depth: int = 0) -> Value:
        """The join of what a function returns (None when it has no return value: NONE)."""
        if isinstance(helper.node, cst.Lambda):
            return self.value(helper.node.body, {}, helper, frame, depth)
        result = None
        settings = dict(frame.settings) if frame is not None else {}
        reachable = _reachable_returns(helper.node.body.body, settings) if settings else _returns(helper.node.body)
        for ret, statement in reachable:
            if ret.value is None:
                continue
            value = self.value(ret.value, self.ranges.env_before(helper, statement), helper, frame, depth)
            result = value if result is None else result.join(value)
        if result is None:
            return NONE
        if self.without_autograd(helper) and result.is_tensor:
            result = result.with_grad(Grad.NO)
        return result

    # -- parameters -----------------------------------------------------------------------------
    def parameter(self, function: FunctionInfo, name: str) -> Value:
        key = (id(function), name)
        if key not in self._parameters:
            self._parameters[key] = UNKNOWN  # recursion (a parameter passed back to its own function)
            self._parameters[key] = self._parameter(function, name)
        return self._parameters[key]

    def _parameter(self, function: FunctionInfo, name: str) -> Value:
        param = function.parameter(name)
        if name in ("self", "cls") and function.cls is not None:
            return Value(Kind.OTHER)
        if self._differentiated_parameter(function, name):
            # f's argument in jax.grad(f) / value_and_grad(f): what the gradient is taken with respect to
            return Value(Kind.UNKNOWN, Grad.YES, frozenset({"prediction"}))
        annotation = _annotation_kind(param)
        usage = self.usage(function).get(name, set())
        role = self._role(function, name, usage)
        if annotation is not None:
            kind = annotation
        elif V.LENGTH_NAME.match(name) and "prediction" not in usage and role != "prediction":
            return Value(Kind.INDEX, Grad.NO)  # lengths handed along with a batch: integers, whatever the usage
        elif param.star == "*" or (param.star == "**"):
            return Value(Kind.CONTAINER, Grad.NO, frozenset(), UNKNOWN)
        elif param.default is not None and not (isinstance(param.default, cst.Name) and param.default.value == "None"):
            default = self.value(param.default, {}, None, None, MAX_DEPTH - 4)
            if default.kind in (Kind.NUMBER, Kind.STRING, Kind.CONTAINER, Kind.MODULE, Kind.FUNCTION) \
                    and "tensor" not in usage:
                return default
            kind = Kind.TENSOR if "tensor" in usage else default.kind
        elif self._numbers_from_callers(function, name):
            # Every caller passes a Python number (tf.log(confidence) takes one): a setting.
            return Value(Kind.NUMBER, Grad.NO, frozenset({"constant"}))
        elif "tensor" in usage:
            kind = Kind.TENSOR
        elif "number" in usage:
            return Value(Kind.NUMBER, Grad.NO, frozenset({"constant"}))
        elif "container" in usage:
            return Value(Kind.CONTAINER, Grad.NO, frozenset(), UNKNOWN)
        elif "numpy" in usage:
            return NUMPY
        elif "string" in usage:
            return STRING
        else:
            kind = self._kind_from_callers(function, name) or self._kind_from_framework(function, name)
            if kind is None and "numpy-operand" in usage and not self.computes_with_tensors(function):
                return NUMPY  # numpy code: its arguments are arrays
            if kind is None and (V.PREDICTION_NAME.match(name) or V.TARGET_NAME.match(name)) \
                    and not V.SCALAR_NAME.match(name) and self.computes_with_tensors(function):
                kind = Kind.TENSOR  # no evidence either way: the name breaks the tie
        if kind is Kind.NUMBER:  # a Python number passed in is a setting, whatever its name
            return Value(Kind.NUMBER, Grad.NO, frozenset({"constant"}))
        if kind is Kind.CONTAINER:  # a list of settings (quantile levels, weights per class)
            return Value(kind, Grad.NO, frozenset({"constant"}), UNKNOWN)
        if kind is Kind.INDEX:
            return Value(Kind.INDEX, Grad.NO)
        if kind in (Kind.STRING, Kind.NUMPY, Kind.OTHER, Kind.MODULE, Kind.FUNCTION):
            return Value(kind)
        if kind is None:
            kind = Kind.UNKNOWN
        if role == "setting":
            return Value(Kind.NUMBER if kind is Kind.UNKNOWN else kind, Grad.NO, frozenset({"constant"}))
        if role == "target":
            return Value(kind if kind is not Kind.UNKNOWN else Kind.UNKNOWN, Grad.NO, frozenset({"target"}))
        if role == "prediction":  # a gradient only where the prediction is known to be a tensor
            return Value(kind, Grad.YES if kind in TENSOR_KINDS else Grad.MAYBE, frozenset({"prediction"}))
        return Value(kind, Grad.MAYBE)

    def _differentiated_parameter(self, function: FunctionInfo, name: str) -> bool:
        if not self.index.differentiated or isinstance(function.node, cst.Lambda):
            return False
        params = [p.name.value for p in function.node.params.params]
        if name not in params:
            return False
        position = params.index(name)
        return any(position in self.index.differentiated_positions.get(id(value), ())
                   and function in self.scopes.callables(value) for value in self.index.differentiated)

    def _role(self, function: FunctionInfo, name: str, usage: set[str]) -> str | None:
        """prediction | target | setting | None, from how the code uses the parameter, then its name."""
        if "target" in usage and "prediction" not in usage:
            return "target"
        if "prediction" in usage:
            return "prediction"
        params = [p.name.value for p in function.parameters() if p.name.value not in ("self", "cls")]
        if function in self.scopes.keras_losses and len(params) >= 2:
            if name == params[0]:
                return "target"
            if name == params[1]:
                return "prediction"
        callers = self._caller_roles(function, name)
        if callers:
            return callers
        if V.SCALAR_NAME.match(name) and "tensor" not in usage:
            return "setting"
        named = V.named_role(name)
        if named is not None:
            return named
        # An optional input (``areas=None``) beside a parameter named as the prediction: data handed
        # along with it (instance areas, weights, a mask), not a second prediction.
        param = function.parameter(name)
        if param is not None and isinstance(param.default, cst.Name) and param.default.value == "None" \
                and any(V.named_role(p) == "prediction" for p in params if p != name):
            return "target"
        # The first tensor argument of a loss function or a forward is its prediction; a second,
        # its target (torch's (input, target) order).
        if len(params) >= 2 and name == params[0] and V.named_role(params[1]) == "target":
            return "prediction"
        return None

    def _caller_roles(self, function: FunctionInfo, name: str) -> str | None:
        """The role callers in this module show by what they pass: a model output, or targets only."""
        values = self._argument_values(function, name)
        if not values:
            return None
        if any(v.grad is Grad.YES for v in values):
            return "prediction"
        if all(v.is_constant for v in values):
            return "setting"  # every caller hands in a setting (self.alpha, a literal, None)
        if all(v.grad is Grad.NO and (v.is_tensor or v.kind is Kind.UNKNOWN) for v in values) \
                and (any("target" in v.provenance for v in values) or all(v.is_tensor for v in values)):
            return "target"  # targets, or tensors shown to carry no gradient (a count of the labels)
        return None

    def _numbers_from_callers(self, function: FunctionInfo, name: str) -> bool:
        values = self._argument_values(function, name)
        return bool(values) and all(v.kind is Kind.NUMBER for v in values)

    def _kind_from_callers(self, function: FunctionInfo, name: str) -> Kind | None:
        values = self._argument_values(function, name)
        kinds = {v.kind for v in values} - {Kind.UNKNOWN, Kind.NONE}
        if len(kinds) == 1:
            return kinds.pop()
        if kinds and kinds <= TENSOR_KINDS:
            return Kind.TENSOR
        return None

    def _argument_values(self, function: FunctionInfo, name: str) -> list[Value]:
        params = [p.name.value for p in function.parameters() if p.name.value not in ("self", "cls")]
        if name not in params:
            return []
        position = params.index(name)
        out = []
        callee = f"self.{function.name}" if function.cls is not None else function.name
        for call, caller in self.ranges.call_sites().get(callee, ())[:8]:
            if caller is function or (function.cls is not None and (caller is None or caller.cls is not function.cls)):
                continue
            arg = argument_for(call, name, position)
            if arg is None:
                continue
            out.append(self.value(arg, self.ranges.env_at(caller, call), caller, None, MAX_DEPTH - 12))
        return out

    def _kind_from_framework(self, function: FunctionInfo, name: str) -> Kind | None:
        """Parameters of a framework method (forward, call) or of a function computing with
        tensors hold tensors unless shown otherwise."""
        root = function
        while root.parent is not None:
            root = root.parent
        if root.cls is not None and root.parent is None and root.name in ("forward", "call", "__call__", "loss",
                                                                           "training_step", "compute_loss"):
            if self.scopes.is_torch_module(root.cls) or self.scopes.is_keras_layer(root.cls) \
                    or self.scopes.is_keras_loss(root.cls):
                # Not the settings handed along with the tensors (``forward(x, y, epoch)``): with no
                # evidence in the body, the name breaks the tie.
                return None if V.SCALAR_NAME.match(name) and function is root else Kind.TENSOR
        return None

    def computes_with_tensors(self, function: FunctionInfo) -> bool:
        """Does the function (or the one it is nested in) call torch / tf / keras / jax ops?"""
        if function not in self._computes:
            top = function
            while top.parent is not None:
                top = top.parent
            # The function, the one it is nested in, or (for a method) its class's methods.
            bodies = [m.node for m in top.cls.methods.values()] if top.cls is not None else [top.node]
            self._computes[function] = any(
                isinstance(n, cst.Call) and (_is_tensor_op(n, self.imports) or _is_tensor_method_call(n, self.imports))
                for body in bodies for n in iter_nodes(body))
        return self._computes[function]

    def usage(self, function: FunctionInfo) -> dict[str, set[str]]:
        """How the body uses each parameter: as a tensor, a number, a container, a target, a prediction."""
        if function not in self._usage:
            self._usage[function] = _usage(function, self.imports, {p.name.value for p in function.parameters()})
        return self._usage[function]

    def loop_usage(self, function: FunctionInfo) -> dict[str, set[str]]:
        """The same evidence for the names for loops of the function bind."""
        if function not in self._loop_usage:
            names = set() if isinstance(function.node, cst.Lambda) else \
                {n for node in iter_nodes(function.node.body) if isinstance(node, cst.For)
                 for n in _target_names(node.target)}
            self._loop_usage[function] = _usage(function, self.imports, names) if names else {}
        return self._loop_usage[function]

    def no_grad(self, function: FunctionInfo) -> bool:
        """Decorated with ``torch.no_grad()`` / ``inference_mode()``: not loss code (a metric, a step)."""
        if self._no_grad_functions is None:
            self._no_grad_functions = set()
            for f in self.index.functions:
                if isinstance(f.node, cst.FunctionDef) and any(
                        (self.imports.qualify(d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator)
                         or "") in ("torch.no_grad", "torch.inference_mode", "torch.autograd.no_grad")
                        for d in f.node.decorators):
                    self._no_grad_functions.add(f)
        return function in self._no_grad_functions

    def without_autograd(self, function: FunctionInfo | None) -> bool:
        """Run where autograd records nothing: under no_grad, in a custom autograd Function's forward
        (torch runs it so; its backward gives the gradient), or in a module helper only such code
        calls. Its values carry no gradient, but what it computes is still the loss's value."""
        if function is None:
            return False
        if self._autograd_free is None:
            free = {f for f in self.index.functions if self.no_grad(f)}
            for f in self.index.functions:
                if f.name == "forward" and f.cls is not None and f.parent is None and any(
                        (self.imports.qualify_dotted(dotted_name(b) or "") or dotted_name(b) or "")
                        in ("torch.autograd.Function", "autograd.Function") for b in f.cls.bases):
                    free.add(f)
            self._autograd_free = free | self._called_only_from(free)
        while function is not None:
            if function in self._autograd_free:
                return True
            function = function.parent
        return False

    def _called_only_from(self, functions: set[FunctionInfo]) -> set[FunctionInfo]:
        """Module functions every call of which (in this module) is made from ``functions``."""
        sites = self.ranges.call_sites()
        found: set[FunctionInfo] = set()
        changed = True
        while changed:
            changed = False
            for f in self.index.functions:
                if f in functions or f in found or f.cls is not None or not isinstance(f.node, cst.FunctionDef):
                    continue
                calls = sites.get(f.name, ())
                if calls and all(caller in functions or caller in found for _, caller in calls):
                    found.add(f)
                    changed = True
        return found


def _loss_of(inputs: list[Value]) -> Value:
    """What a loss computed from ``inputs`` holds: a tensor with their gradient (maybe, none seen)."""
    return Value(Kind.TENSOR, most(*(o.grad for o in inputs)) if inputs else Grad.MAYBE, frozenset({"loss"}))


# Functions that take a framework dtype: the value whose ``.dtype`` they are given is a tensor.
_DTYPE_INFO = frozenset({"torch.finfo", "torch.iinfo"})
_TENSOR_ONLY = frozenset({"detach", "clamp", "clamp_min", "clamp_max", "unsqueeze", "view", "permute", "contiguous",
                          "cuda", "type_as", "masked_fill", "softmax", "log_softmax", "sigmoid", "exp", "sqrt",
                          "pow", "requires_grad_", "backward", "norm", "abs", "square", "mm", "bmm", "gather",
                          "relu", "expand", "expand_as", "log1p", "expm1", "logsumexp", "masked_select", "add_",
                          "mul_", "sub_", "div_", "clamp_", "item", "numpy", "float", "long", "bool", "sum", "mean",
                          "log", "tanh", "transpose", "reshape", "squeeze", "flatten", "argmax", "size", "dim",
                          "numel", "t", "neg", "max", "min", "new_zeros", "new_ones", "new_full", "new_tensor",
                          "narrow", "unbind", "chunk", "split", "repeat", "tolist", "to", "eq", "ne", "gt", "lt",
                          "ge", "le", "any", "all", "cumsum", "prod", "std", "var", "topk", "sort", "index_select",
                          "scatter", "scatter_add", "masked_fill_", "diag", "diagonal", "trace", "matmul", "dot",
                          "half", "double", "int", "clip", "nonzero", "isnan", "isinf", "isfinite", "round",
                          "floor", "ceil", "sign", "logical_not", "logical_and", "logical_or", "amax", "amin"})
_VALUE_KEEPING = frozenset({"float", "double", "half", "bfloat16", "to", "clone", "contiguous", "view", "view_as",
                            "reshape", "reshape_as", "squeeze", "unsqueeze", "flatten", "permute", "transpose",
                            "expand", "expand_as", "repeat", "type_as", "cpu", "cuda", "t", "narrow",
                            "index_select", "gather", "masked_select", "diagonal", "flip", "roll", "movedim",
                            "swapaxes", "unfold", "tile", "repeat_interleave"})


_NO_SETTING = object()


class _PassedFunction:
    """A same-module function handed to a parameter (``compute_masked_loss(error, ...)``); equal to
    another for the same function, so that a call's settings key the results kept per call."""

    __slots__ = ("info",)

    def __init__(self, info: FunctionInfo) -> None:
        self.info = info

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _PassedFunction) and other.info is self.info

    def __hash__(self) -> int:
        return id(self.info)

    def __repr__(self) -> str:
        return f"<function {self.info.qualname}>"


def _literal(node: cst.BaseExpression) -> object:
    """The value of a literal setting (``0.0``, ``"mean"``, ``None``, ``-1``), else _NO_SETTING."""
    if isinstance(node, (cst.Integer, cst.Float)):
        return node.evaluated_value
    if isinstance(node, cst.SimpleString):
        return node.evaluated_value
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus) \
            and isinstance(node.expression, (cst.Integer, cst.Float)):
        return -node.expression.evaluated_value
    return _NO_SETTING


_BINDING_TARGETS = (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.For, cst.CompFor, cst.NamedExpr)


def _positional(container: Value) -> bool:
    """A tuple or list whose items are known one by one (``0``, ``1``, ... in order)."""
    return bool(container.members) and [k for k, _ in container.members] == [
        str(i) for i in range(len(container.members))]


def _sliced_members(members: tuple, piece: cst.Slice) -> tuple | None:
    """The items a slice with non-negative literal bounds keeps, numbered from 0; None for other
    slices. Counting from the end is not followed: the items known of a value returned in two shapes
    are those its shapes share, the first ones, not all of them."""
    bounds = []
    for bound in (piece.lower, piece.upper, piece.step):
        if bound is not None and not isinstance(bound, cst.Integer):
            return None
        bounds.append(int(bound.evaluated_value) if bound is not None else None)
    if bounds[2] == 0:
        return None
    kept = [v for _, v in members][slice(*bounds)]
    return tuple((str(i), v) for i, v in enumerate(kept))


def _bound_in_body(function: FunctionInfo) -> frozenset[str]:
    """The names a function's own body binds (assignments, loop and with targets, walrus)."""
    names: set[str] = set()
    for node in iter_nodes(function.node.body, skip_functions=True):
        if isinstance(node, _BINDING_TARGETS):
            names.update(_target_names(node.target))
        elif isinstance(node, cst.WithItem) and node.asname is not None:
            names.update(_target_names(node.asname.name))
    return frozenset(names)


def _decided(test: cst.BaseExpression, settings: dict[str, object]) -> bool | None:
    """Does ``test`` hold (True) or fail (False) for these settings of parameters; None if unknown."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = _decided(test.expression, settings)
        return None if inner is None else not inner
    if isinstance(test, cst.BooleanOperation):
        left, right = _decided(test.left, settings), _decided(test.right, settings)
        if isinstance(test.operator, cst.And):
            return False if False in (left, right) else True if left is True and right is True else None
        return True if True in (left, right) else False if left is False and right is False else None
    if isinstance(test, cst.Name) and test.value in settings:
        return bool(settings[test.value])
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and isinstance(test.left, cst.Name) \
            and test.left.value in settings:
        value, comparison = settings[test.left.value], test.comparisons[0]
        operator = comparison.operator
        if isinstance(comparison.comparator, (cst.Tuple, cst.List, cst.Set)) \
                and isinstance(operator, (cst.In, cst.NotIn)):
            options = [_literal(e.value) for e in comparison.comparator.elements]
            if _NO_SETTING in options or any(isinstance(e, cst.StarredElement) for e in comparison.comparator.elements):
                return None
            return (value in options) == isinstance(operator, cst.In)
        other = _literal(comparison.comparator)
        if other is _NO_SETTING:
            return None
        if isinstance(operator, cst.Equal):
            return value == other
        if isinstance(operator, cst.NotEqual):
            return value != other
        if isinstance(operator, (cst.Is, cst.IsNot)) and (other is None or isinstance(other, bool)):
            return (value is other) == isinstance(operator, cst.Is)
    return None


def _reachable_returns(statements, settings: dict[str, object]) -> list[tuple[cst.Return, cst.CSTNode | None]]:
    """The return statements of a body that a call with these settings can reach: a branch its
    settings decide (``if label_smoothing == 0: return loss``, with the default 0.0 left as it is)
    goes one way."""
    found: list[tuple[cst.Return, cst.CSTNode | None]] = []
    for statement in statements:
        if isinstance(statement, cst.If):
            taken = _decided(statement.test, settings)
            if taken is not False:
                found += _reachable_returns(statement.body.body, settings)
            if taken is not True and statement.orelse is not None:
                orelse = statement.orelse
                found += _reachable_returns([orelse] if isinstance(orelse, cst.If) else orelse.body.body, settings)
            if (taken is True and _always_exits(statement.body)) or (
                    taken is False and isinstance(statement.orelse, cst.Else) and _always_exits(statement.orelse.body)):
                break  # what follows is not reached
        elif isinstance(statement, (cst.For, cst.While, cst.With, cst.Try)):
            blocks = [statement.body]
            if isinstance(statement, cst.Try):
                blocks += [h.body for h in statement.handlers]
                blocks += [b.body for b in (statement.finalbody,) if b is not None]
            if getattr(statement, "orelse", None) is not None:
                blocks.append(statement.orelse.body)
            for block in blocks:
                found += _reachable_returns(block.body, settings) if isinstance(block, cst.IndentedBlock) \
                    else _returns(block)
        else:
            found += _returns(statement)
    return found


def _annotation_kind(param: cst.Param) -> Kind | None:
    if param is None or param.annotation is None:
        return None
    annotation = param.annotation.annotation
    if isinstance(annotation, cst.Subscript):  # Optional[Tensor], List[int]
        head = dotted_name(annotation.value) or ""
        if head.split(".")[-1] in ("Optional",) and annotation.slice:
            inner = annotation.slice[0].slice
            if isinstance(inner, cst.Index):
                return _kind_of_type(dotted_name(inner.value) or "")
            return None
        if head.split(".")[-1] in ("List", "Tuple", "Dict", "Sequence", "Mapping", "list", "tuple", "dict", "Iterable"):
            return Kind.CONTAINER
        return None
    if isinstance(annotation, cst.BinaryOperation):  # Tensor | None
        for side in (annotation.left, annotation.right):
            kind = _kind_of_type(dotted_name(side) or "")
            if kind is not None and kind is not Kind.NONE:
                return kind
        return None
    if isinstance(annotation, cst.SimpleString):
        return _kind_of_type(annotation.evaluated_value)
    return _kind_of_type(dotted_name(annotation) or "")


def _kind_of_type(name: str) -> Kind | None:
    tail = name.split(".")[-1]
    if tail in ("int", "float", "bool", "complex", "Number"):
        return Kind.NUMBER
    if tail in ("str",):
        return Kind.STRING
    if tail in ("Tensor", "FloatTensor", "Variable", "ndarray_or_tensor", "TensorLike", "KerasTensor", "Array",
                "ArrayLike", "jnp.ndarray") or name in ("torch.Tensor", "tf.Tensor", "jax.Array", "jnp.ndarray"):
        return Kind.TENSOR
    if tail in ("LongTensor", "BoolTensor"):
        return Kind.INDEX if tail == "LongTensor" else Kind.MASK
    if tail in ("ndarray",) and name.startswith(("np", "numpy")):
        return Kind.NUMPY
    if tail in ("list", "tuple", "dict", "List", "Tuple", "Dict", "Sequence", "Mapping"):
        return Kind.CONTAINER
    if tail in ("Module", "Loss", "Layer", "Model"):
        return Kind.MODULE
    if tail == "None":
        return Kind.NONE
    return None


# Positions of the target argument of the loss APIs (torch order: input, target; Keras: y_true, y_pred).
_TARGET_POSITION = {"F.cross_entropy": 1, "F.nll_loss": 1, "F.binary_cross_entropy": 1,
                    "F.binary_cross_entropy_with_logits": 1, "F.mse_loss": 1, "F.l1_loss": 1, "F.smooth_l1_loss": 1,
                    "F.kl_div": 1, "F.huber_loss": 1, "F.poisson_nll_loss": 1, "F.gaussian_nll_loss": 1,
                    "F.soft_margin_loss": 1, "F.multilabel_soft_margin_loss": 1}


def _single_source(node: cst.BaseExpression, function: FunctionInfo, names: set[str], imports,
                   depth: int = 0) -> cst.Name | None:
    """The one parameter a local is computed from, through locals each assigned once
    (``rate = torch.exp(log_rate)`` -> log_rate); None when it mixes several (``pred * weight``)."""
    if not isinstance(node, cst.Name) or depth > 4:
        return None
    if node.value in names:
        return node
    # ``rate *= exposure`` updates the value in place: rate stays what it was computed from, scaled
    bound = [a for a in function.assignments if node.value in a.targets
             and not all(isinstance(small, cst.AugAssign) for small in a.statement.body)]
    if len(bound) != 1 or len(bound[0].statement.body) != 1:
        return None
    small = bound[0].statement.body[0]
    if not (isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name)):
        return None
    sources = set()
    nodes = [small.value, *iter_nodes(small.value)]
    not_read = {id(n.attr) for n in nodes if isinstance(n, cst.Attribute)} | {
        id(n.keyword) for n in nodes if isinstance(n, cst.Arg) and n.keyword is not None}
    read = {n.value for n in nodes if isinstance(n, cst.Name) and id(n) not in not_read}
    for name in read & used_names(small.value, values_only=True):
        if imports.is_module_name(name) or name in ("True", "False", "None"):
            continue
        source = _single_source(cst.Name(name), function, names, imports, depth + 1)
        if source is None:
            return None  # a name the chain cannot follow: a mix, or a value from elsewhere
        sources.add(source.value)
    return cst.Name(sources.pop()) if len(sources) == 1 else None
_TARGET_KEYWORDS = frozenset({"target", "targets", "labels", "label", "y_true", "gt"})
_PREDICTION_KEYWORDS = frozenset({"input", "logits", "y_pred", "pred", "predictions", "prediction"})
_NUMBER_KEYWORDS = frozenset({"dim", "axis", "keepdim", "keepdims", "num_classes", "k", "p", "dtype",
                              "reduction", "ignore_index", "size", "shape", "diagonal", "offset", "min", "max"})


# Methods writing a source tensor's values into the receiver (in place with a trailing _).
SCATTERS = frozenset({"scatter", "scatter_add", "scatter_reduce", "index_add", "index_copy", "masked_scatter",
                      "index_put"})


def _applied_to(positional, keywords, v) -> Value:
    """A function whose body is not here, applied to its arguments: every argument, keywords too,
    may be what it computes from."""
    operands = [v(p) for p in positional] + [v(x) for x in keywords.values()]
    grads = [o.grad for o in operands if o.is_tensor or o.kind is Kind.UNKNOWN]
    return Value(Kind.UNKNOWN, most(*grads) if grads else Grad.NO)


def _usage(function: FunctionInfo, imports, names: set[str]) -> dict[str, set[str]]:
    """Evidence of the kind and role of each of ``names`` (parameters, loop variables) from how the
    function body uses them (flow-insensitive)."""
    found: dict[str, set[str]] = {n: set() for n in names}
    if isinstance(function.node, cst.Lambda):
        return found

    def mark(node, what: str) -> None:
        if isinstance(node, cst.Name) and node.value in names:
            found[node.value].add(what)

    rebound = {name for assignment in function.assignments for name in assignment.targets}

    for node in iter_nodes(function.node.body):
        if isinstance(node, cst.Call):
            func = node.func
            qualified = imports.qualify(func)
            positional = [a.value for a in node.args if a.keyword is None and not a.star]
            if qualified is not None:
                root = qualified.split(".")[0]
                tail = qualified.split(".")[-1]
                if qualified in _DTYPE_INFO and positional and isinstance(positional[0], cst.Attribute) \
                        and positional[0].attr.value == "dtype":
                    mark(positional[0].value, "tensor")  # torch.finfo(x.dtype): x has a torch dtype
                if root in V.TENSOR_ROOTS and _is_tensor_op(node, imports):
                    target_at = _TARGET_POSITION.get(qualified)
                    for i, p in enumerate(positional):
                        # The argument itself is a tensor (not the names in ``x / temperature``, which
                        # may be numbers; not what torch.tensor(...) wraps, which may be anything).
                        if tail not in V.CREATION or tail.endswith("_like"):
                            mark(p, "tensor")
                        if target_at is not None:
                            mark(p, "target" if i == target_at else "prediction")
                            if i != target_at:  # rate = exp(log_rate); poisson_nll_loss(rate, ...)
                                mark(_single_source(p, function, names, imports), "prediction")
                    for a in node.args:
                        if a.keyword is not None:
                            key = a.keyword.value
                            if key in _NUMBER_KEYWORDS:
                                mark(a.value, "number")
                            elif key in _TARGET_KEYWORDS:
                                mark(a.value, "target")
                                mark(a.value, "tensor")
                            elif key in _PREDICTION_KEYWORDS:
                                mark(a.value, "prediction")
                                mark(a.value, "tensor")
                            else:
                                mark(a.value, "tensor") if key in ("other", "input", "x", "y") else None
                elif root in ("np", "numpy"):
                    for p in positional:
                        mark(p, "numpy-operand")
                elif root in V.NUMBER_MODULES:
                    for p in positional:  # math.exp(x) on a tensor is the bug LL502 reports: no evidence
                        mark(p, "math-operand")
            elif isinstance(func, cst.Name):
                if func.value in ("range",):
                    for p in positional:
                        mark(p, "number")
                elif func.value in ("len", "enumerate", "zip", "sorted", "list", "tuple", "dict"):
                    for p in positional:
                        mark(p, "container")
                elif func.value in ("int", "float", "round") and func.value not in imports.bound_names:
                    for p in positional:
                        mark(p, "number-or-tensor")
            elif isinstance(func, cst.Attribute):
                method = func.attr.value
                receiver = func.value
                if isinstance(receiver, cst.Name) and receiver.value in names:
                    if method in _TENSOR_ONLY and not imports.is_module_name(receiver.value):
                        found[receiver.value].add("tensor")
                        if method in ("long", "int", "bool") or method in ("eq",):
                            found[receiver.value].add("target")
                    elif method in ("items", "keys", "values", "get", "append", "extend", "update", "pop"):
                        found[receiver.value].add("container")
                    elif method in ("format", "startswith", "endswith", "lower", "upper", "split", "join", "replace"):
                        found[receiver.value].add("string")
                for a in node.args:
                    if a.keyword is not None and a.keyword.value in ("dim", "axis", "k", "num_classes"):
                        mark(a.value, "number")
                if method in ("view", "reshape", "expand", "repeat", "new_zeros", "new_ones", "new_full", "size"):
                    for p in positional:
                        mark(p, "number")
                if method in ("gather", "index_select", "scatter", "scatter_add", "index_add"):
                    if len(positional) >= 2:
                        mark(positional[1], "target")
        elif isinstance(node, cst.Subscript):
            for element in node.slice:
                if isinstance(element.slice, cst.Index):
                    index = element.slice.value
                    if isinstance(index, cst.Name) and index.value in names:
                        found[index.value].add("index")
                    if isinstance(index, cst.SimpleString) and isinstance(node.value, cst.Name):
                        mark(node.value, "container")
        elif isinstance(node, cst.For):
            mark(node.iter, "container")
        elif isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.FloorDivide):
            mark(node.left, "number-or-tensor")  # total_depth // num_heads: sizes, as a rule
            mark(node.right, "number-or-tensor")
        elif isinstance(node, cst.Comparison):
            sides = [node.left, *(c.comparator for c in node.comparisons)]
            if any(isinstance(side, (cst.SimpleString, cst.ConcatenatedString)) for side in sides):
                for side in sides:
                    mark(side, "string")
            compared = [_reshaped_name(side) for side in sides]
            if all(isinstance(c.operator, (cst.Equal, cst.NotEqual)) for c in node.comparisons) \
                    and all(c is not None and c.value in names and c.value not in rebound for c in compared):
                # labels.unsqueeze(0) == labels.unsqueeze(1): tensors compared for equality hold
                # discrete values (class ids, region indices), as ``.eq`` shows
                for c in compared:
                    mark(c, "target")
    for name, evidence in found.items():
        if "index" in evidence and "tensor" not in evidence:
            evidence.add("target")
        if "number-or-tensor" in evidence and "tensor" not in evidence:
            evidence.add("number")
    return found


def _reshaped_name(node: cst.BaseExpression) -> cst.Name | None:
    """The name under shape-only steps (``m.unsqueeze(2)``, ``m[:, None]``, ``m.view(-1)``), if any."""
    while True:
        if isinstance(node, cst.Name):
            return node
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) \
                and node.func.attr.value in ("unsqueeze", "view", "reshape", "expand", "expand_as", "t", "flatten"):
            node = node.func.value
        elif isinstance(node, cst.Subscript) or isinstance(node, cst.Attribute) and node.attr.value == "T":
            node = node.value  # m[:, None], m.T
        else:
            return None


# Methods numpy arrays and Python objects do not have: calling one shows a tensor.
_TENSOR_METHODS = frozenset({"detach", "clamp", "clamp_min", "unsqueeze", "view", "permute", "contiguous", "float",
                             "cuda", "to", "type_as", "masked_fill", "softmax", "log_softmax", "sigmoid", "log", "exp",
                             "sqrt", "pow", "requires_grad_", "backward", "norm", "abs", "square", "mm", "bmm",
                             "gather", "relu", "expand", "expand_as", "log1p", "expm1", "logsumexp", "masked_select",
                             "add_", "mul_", "sub_", "div_", "clamp_", "item"})


def _is_tensor_op(call: cst.Call, imports) -> bool:
    """A torch / tf / keras / jax call that computes on tensors (not a setting such as K.epsilon())."""
    qualified = imports.qualify(call.func)
    if qualified is None or qualified.split(".")[0] not in V.TENSOR_ROOTS - {"optax", "flax"}:
        return False
    meaning = imports.meaning(call)
    if meaning is not None:
        return meaning.op.name not in ("epsilon", "finfo")
    tail = qualified.split(".")[-1]
    return bool(V.LOSS_FUNCTION.match(qualified)) or tail in V.TENSOR_FUNCTIONS or tail in V.CREATION


def _is_tensor_method_call(call: cst.Call, imports) -> bool:
    if not isinstance(call.func, cst.Attribute) or call.func.attr.value not in _TENSOR_METHODS:
        return False
    return not imports.is_module_name((dotted_name(call.func.value) or "?").split(".")[0])


def _arithmetic_operands(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    """``a * b - c`` -> [a, b, c]: the names an arithmetic expression is made of."""
    out, stack = [], [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.BinaryOperation) and not isinstance(current.operator, (cst.MatrixMultiply,)):
            stack += [current.left, current.right]
        elif isinstance(current, cst.UnaryOperation):
            stack.append(current.expression)
        else:
            out.append(current)
    return out


