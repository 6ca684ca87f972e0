"""Facts about one file, computed once and shared by every rule: what names mean, which code is
loss code, and what range a value can take at the point the traversal has reached."""

from __future__ import annotations

import re

import libcst as cst

from losslint.core.index import FunctionInfo, ModuleIndex, used_names
from losslint.core.interval import Interval
from losslint.core.names import CallMeaning, dotted_name
from losslint.core.project import Project
from losslint.core.ranges import NONZERO, OUTER, RangeAnalysis, assume, condition_facts
from losslint.core.scopes import LossScopes
from losslint.core.syntax import sum_terms
from losslint.core import vocabulary as V
from losslint.core.values import Grad, Kind, Value, ValueAnalysis
from losslint.core.walk import iter_nodes, walk

_STATEMENTS = frozenset({cst.SimpleStatementLine, cst.SimpleStatementSuite, cst.If, cst.For, cst.While, cst.With,
               cst.Try, cst.TryStar, cst.FunctionDef, cst.ClassDef, cst.Match})
# Rule options and their defaults; [tool.losslint] may set them.
DEFAULT_OPTIONS = {"weight-ratio": 1e4, "weight-band": (1e-6, 1e6)}
_EPS_NAMES = ("eps", "epsilon", "_eps", "EPS", "EPSILON")
# Parameters with these names hold numbers or settings, not tensors.
_SCALAR_PARAMETER = re.compile(r"^(self|cls|num_\w*|n_\w*|\w*_size|\w*dim\w*|axis|reduction|eps\w*|smooth\w*|"
                               r"alpha|beta|gamma|delta|margin|temperature|tau|scale|k|p|threshold|\w*_?index|\w*_?idx|"
                               r"\w*_name|name|training|step|epoch\w*|\w*count)$")
_SCALAR_ANNOTATIONS = {"int", "float", "str", "bool"}
_PREDICTION_NAME = re.compile(r"^(y_?pred\w*|preds?|predictions?|predicted|outputs?|logits|y_?hat|yhat|scores?|"
                              r"probs?|probabilities|inputs?)$", re.IGNORECASE)
_TARGET_NAME = re.compile(r"^(y_?true|true|targets?|labels?|y|gt|ground_?truth|masks?)$", re.IGNORECASE)
_NOT_TENSOR_METHODS = {"item", "numpy", "tolist", "size", "dim", "numel"}


def _named_where(func: cst.BaseExpression) -> bool:
    return (isinstance(func, cst.Attribute) and func.attr.value == "where") or (
        isinstance(func, cst.Name) and func.value == "where")


class FileFacts:
    def __init__(self, module: cst.Module, source: str = "", loss_patterns: tuple[str, ...] = (),
                 options: dict | None = None, path: str | None = None) -> None:
        self.module = module
        self.source = source
        self.options = {**DEFAULT_OPTIONS, **(options or {})}
        self.index = ModuleIndex()
        walk(module, self.index)
        self.imports = self.index.imports
        self.scopes = LossScopes(self.index, loss_patterns, path)
        self.project = Project(path, self.imports)
        self.ranges = RangeAnalysis(self.index, path, self.project)
        self.ranges.set_module(module)
        self.values = ValueAnalysis(self.index, self.ranges, self.scopes, self.project)
        self.scopes.find(self.values)
        # Where the traversal is: innermost function and statement.
        self._functions: list[FunctionInfo] = []
        self._statements: list[cst.CSTNode] = []
        self._loss_depth = 0  # loss statements (sink slices) the traversal is in
        self._function_loss: list[bool] = []  # per enclosing function: is it loss code?
        self._may_compute_loss: bool | None = None
        self._gradient_slices: dict = {}
        self._no_grad_depth = 0
        self._branch_facts: dict[int, tuple] = {}
        self._reduced: dict[FunctionInfo, str] | None = None
        self._autocast_blocks: list[tuple[cst.CSTNode, str]] = []
        self._assumed: list[tuple[cst.CSTNode, tuple]] = []
        self._uses_framework: dict[FunctionInfo, bool] = {}
        self._dead_terms: dict[object, tuple[set, list]] = {}
        self._within: dict[int, frozenset[int]] = {}  # id of a node -> ids of the nodes below it

    # -- traversal -----------------------------------------------------------------------------
    def enter(self, node: cst.CSTNode) -> None:
        cls = type(node)
        if cls is cst.IfExp:
            self._branch_facts[id(node.body)] = condition_facts(node.test, True, self.imports)
            self._branch_facts[id(node.orelse)] = condition_facts(node.test, False, self.imports)
        elif cls is cst.Call and len(node.args) == 3 and _named_where(node.func) and self._is_where(node):
            # where(cond, a, b): a is taken where cond holds, b where it does not (for the forward
            # value; a gradient through the masked branch is LL102's question).
            test, body, orelse = (a.value for a in node.args)
            self._branch_facts[id(body)] = condition_facts(test, True, self.imports)
            self._branch_facts[id(orelse)] = condition_facts(test, False, self.imports)
        facts = self._branch_facts.get(id(node))
        if facts is not None and any(facts):
            self._assumed.append((node, facts))
        if cls in _STATEMENTS:
            self._statements.append(node)
            if node in self.scopes.statements:
                self._loss_depth += 1
            if self._disables_gradient(node):
                self._no_grad_depth += 1
            if cls is cst.With:
                precision = next((self.index._autocast_precision(i.item) for i in node.items
                                  if isinstance(i.item, cst.Call) and self.index._autocast_precision(i.item)), None)
                if precision:
                    self._autocast_blocks.append((node, precision))
        if cls is cst.FunctionDef or cls is cst.Lambda:
            info = self.index.function_of.get(node)
            if info is not None:
                self._functions.append(info)
                self._function_loss.append(self.scopes.is_loss_function(info))

    def leave(self, node: cst.CSTNode) -> None:
        cls = type(node)
        if self._assumed and self._assumed[-1][0] is node:
            self._assumed.pop()
        if (cls is cst.FunctionDef or cls is cst.Lambda) and self._functions and self._functions[-1].node is node:
            self._functions.pop()
            self._function_loss.pop()
        if cls in _STATEMENTS and self._statements and self._statements[-1] is node:
            self._statements.pop()
            if node in self.scopes.statements:
                self._loss_depth -= 1
            if self._disables_gradient(node):
                self._no_grad_depth -= 1
            if self._autocast_blocks and self._autocast_blocks[-1][0] is node:
                self._autocast_blocks.pop()

    def _disables_gradient(self, node: cst.CSTNode) -> bool:
        """``with torch.no_grad():`` / ``inference_mode()``, or a def decorated with them."""
        if isinstance(node, cst.With):
            calls = [item.item for item in node.items]
        elif isinstance(node, cst.FunctionDef):
            calls = [d.decorator for d in node.decorators]
        else:
            return False
        for call in calls:
            target = call.func if isinstance(call, cst.Call) else call
            qualified = self.imports.qualify(target)
            if qualified in ("torch.no_grad", "torch.inference_mode", "torch.autograd.no_grad"):
                return True
        return False

    @property
    def gradient_enabled(self) -> bool:
        """False inside ``torch.no_grad()`` (or a custom autograd Function's forward): nothing
        computed there is differentiated."""
        return self._no_grad_depth == 0 and not self.values.without_autograd(self.function)

    @property
    def top_statement(self) -> cst.CSTNode | None:
        """The module-level statement the traversal is in."""
        return self._statements[0] if self._statements else None

    @property
    def statement(self) -> cst.CSTNode | None:
        """The innermost statement the traversal is in."""
        return self._statements[-1] if self._statements else None

    @property
    def in_loss_scope(self) -> bool:
        # A def nested in a loss function is loss code only where the loss uses it (metrics helpers
        # defined inside a compute_loss are not); a lambda is part of the expression it is written in.
        return self._loss_depth > 0 or (bool(self._function_loss) and self._function_loss[-1])

    @property
    def function(self) -> FunctionInfo | None:
        return self._functions[-1] if self._functions else None

    def env(self):
        """The local bindings in force at the current statement (with what branch conditions prove)."""
        statement = self.statement
        env = self.ranges.env_before(self.function, statement)
        for _, facts in self._assumed:  # inside ``a if cond else b``: what cond proves
            env = assume(env, facts)
        return env

    def _is_where(self, call: cst.Call) -> bool:
        meaning = self.imports.meaning(call)
        return meaning is not None and meaning.op.name == "where" and all(a.keyword is None for a in call.args)

    # -- questions ------------------------------------------------------------------------------
    def meaning(self, call: cst.Call) -> CallMeaning | None:
        return self.imports.meaning(call)

    def comparison(self, node: cst.BaseExpression) -> cst.BaseExpression:
        """The comparison a node means (``tf.greater(p, t)`` and ``p.gt(t)`` as ``p > t``), or the node."""
        return self.imports.comparison(node)

    def op_name(self, node: cst.CSTNode) -> str | None:
        if isinstance(node, cst.Call):
            meaning = self.imports.meaning(node)
            return meaning.op.name if meaning else None
        return None

    def value(self, node: cst.BaseExpression) -> Value:
        """What the expression holds where the traversal is: kind, gradient, provenance."""
        return self.values.value(node, self.env(), self.function)

    def may_compute_loss(self) -> bool:
        """Does some function call a loss API or a loss class (a superset of where ``computes_loss``
        holds, read from the index: no walk)?"""
        if self._may_compute_loss is None:
            qualify = self.imports.qualify_dotted
            self._may_compute_loss = any(
                (qualified := qualify(callee)) is not None
                and (V.LOSS_FUNCTION.match(qualified) or V.LOSS_CLASS.match(qualified))
                for info in self.index.functions for callee in info.calls)
        return self._may_compute_loss

    def computes_loss(self, call: cst.Call) -> bool:
        """Is the call a loss by itself: a loss API (``F.cross_entropy``, ``tf.nn.*cross_entropy*``,
        ``keras.losses.*``) or an object built from a loss class (``nn.BCELoss()(p, y)``,
        ``self.criterion = nn.CrossEntropyLoss()`` then ``self.criterion(p, y)``)? Wherever it
        stands, what it is handed is a loss's input."""
        qualified = self.imports.qualify(call.func)
        if qualified is not None:
            return bool(V.LOSS_FUNCTION.match(qualified))
        func = call.func
        if isinstance(func, cst.Call):
            qualified = self.imports.qualify(func.func)
            return qualified is not None and bool(V.LOSS_CLASS.match(qualified))
        name = dotted_name(func)
        if name is None or name.count(".") > 1 or ("." in name and not name.startswith("self.")):
            return False  # a method of a value (``x.sum()``) builds no loss object
        return self.loss_object(func) is not None

    def loss_object(self, func: cst.BaseExpression) -> tuple[str, cst.Call | None] | None:
        """The loss class a called object was built from, wherever it was built (``criterion =
        nn.BCELoss()``, ``self.loss_fn = nn.CrossEntropyLoss()`` in ``__init__``): (its qualified
        name, the constructor call where it can be read, else None)."""
        if isinstance(func, cst.Call):
            qualified = self.imports.qualify(func.func)
            return (qualified, func) if qualified else None
        value = self.value(func)
        if value.kind is not Kind.MODULE or "loss-object" not in value.provenance:
            return None
        qualified = next((p for p in sorted(value.provenance) if "." in p), None)
        if qualified is None:
            return None
        return qualified, self._constructor(func)

    def _constructor(self, node: cst.BaseExpression) -> cst.Call | None:
        env, function = self.env(), self.function
        for _ in range(4):
            name = dotted_name(node)
            if isinstance(node, cst.Call):
                return node
            if name is None:
                return None
            if name in env and len(env[name]) == 1 and env[name][0] is not OUTER:
                node, env = env[name][0].value, env[name][0].env
            elif name.startswith("self.") and function is not None and function.cls is not None:
                node, env = function.cls.init_attributes.get(name[5:]), {}
            elif name in self.index.constants():
                node, env = self.index.constants()[name], {}
            else:
                return None
        return node if isinstance(node, cst.Call) else None

    def probably_tensor(self, node: cst.BaseExpression) -> bool:
        """A tensor by evidence, or a value of unknown kind that code computing with a tensor
        framework got from a call on tensors (a policy's ``evaluate_actions``, another module's
        helper) and that may carry a gradient; not a bare attribute or setting."""
        if self.is_tensor_like(node):
            return True
        value = self.value(node)
        function = self.function
        return (value.kind is Kind.UNKNOWN and value.grad is not Grad.NO and "attribute" not in value.provenance
                and function is not None and self.values.computes_with_tensors(function))

    def carries_gradient(self, node: cst.BaseExpression) -> bool:
        return self.value(node).grad is not Grad.NO and not self.values.without_autograd(self.function)

    def hazard_applies(self, node: cst.BaseExpression, gradient_only: bool = False) -> bool:
        """Can a numerical hazard at ``node`` hurt training? Not for a value made only of settings
        (``log(alpha)`` of a hyperparameter is the caller's contract, unless the literal itself is
        bad), and for a hazard of the gradient alone (sqrt or acos at the domain edge) not for a
        value that carries no gradient (targets, constants, detached values) or that reaches the
        loss only detached."""
        value = self.value(node)
        if value.is_constant and any(not self.imports.is_module_name(name.split(".")[0])
                                     for name in used_names(node, values_only=True)):
            return False  # read from settings (a default is not the value the caller passes)
        return not (gradient_only and (value.grad is Grad.NO or not self.feeds_loss_gradient()))

    def range(self, node: cst.BaseExpression) -> Interval:
        return self.ranges.range(node, self.env(), self.function)

    def proven_nonzero(self, node: cst.BaseExpression) -> bool:
        """Is ``node`` what an enclosing branch condition tests against zero (``x if x != 0 else``,
        ``where(x == 0, 0, f(x))``)?"""
        env = self.env()
        facts = env.get(NONZERO)
        return bool(facts) and self.ranges.proven_nonzero(node, facts, env)

    def infinities_repaired(self) -> bool:
        """Does the code test what the current statement computes for inf or NaN (``isinf(w)``,
        ``nan_to_num(w)``), where it binds it or where a helper returning it is called? Then an
        infinite value is expected there and replaced (an empty class's weight), not a bug."""
        statement, function = self.statement, self.function
        if function is None or not isinstance(statement, cst.SimpleStatementLine):
            return False
        small = statement.body[0]
        if isinstance(small, cst.Return):
            callee = f"self.{function.name}" if function.cls is not None else function.name
            sites = self.ranges.call_sites().get(callee, ())
            return bool(sites) and all(self._repaired_at(call, caller) for call, caller in sites)
        return any(_tests_for_infinity(function, name) for name in _assigned_names(small))

    def _repaired_at(self, call: cst.Call, caller: FunctionInfo) -> bool:
        for assignment in caller.assignments:
            small = assignment.statement.body[0]
            if isinstance(small, cst.Assign) and small.value is call:
                return any(_tests_for_infinity(caller, name) for name in _assigned_names(small))
        return False

    def is_eps_guarded(self, node: cst.BaseExpression) -> bool:
        return self.ranges.has_eps_guard(node, self.env(), self.function)

    def producer(self, node: cst.BaseExpression, op_name: str) -> tuple[cst.Call, bool] | None:
        """The ``op_name`` call that produced ``node``: the node itself, the one value a local name
        was bound to, or what a same-module helper returns. The flag says whether the call can be
        moved to where ``node`` is (its operands still mean the same there)."""
        if isinstance(node, cst.Call) and self.op_name(node) == op_name:
            return node, True
        env = self.env()
        if isinstance(node, cst.Name) and node.value in env and len(env[node.value]) == 1 \
                and env[node.value][0] is not OUTER:
            binding = env[node.value][0]
            value = binding.value
            if isinstance(value, cst.Call) and self.op_name(value) == op_name:
                movable = all(binding.env.get(name) is env.get(name) for name in used_names(value))
                return value, movable
            return self._helper_producer(value, op_name)  # y_proba = predict_proba(model, x)
        return self._helper_producer(node, op_name)

    def producer_env(self, node: cst.BaseExpression, op_name: str) -> dict | None:
        """The bindings the ``op_name`` call that produced ``node`` ran under: the present ones for
        the call itself, the binding's for a local name (after ``x = exp(x)`` the argument is the
        earlier ``x``); None for a helper's call, or when no such call produced it."""
        if isinstance(node, cst.Call) and self.op_name(node) == op_name:
            return self.env()
        env = self.env()
        if isinstance(node, cst.Name) and node.value in env and len(env[node.value]) == 1 \
                and env[node.value][0] is not OUTER:
            binding = env[node.value][0]
            if isinstance(binding.value, cst.Call) and self.op_name(binding.value) == op_name:
                return binding.env
        return None

    def range_in(self, node: cst.BaseExpression, env: dict) -> Interval:
        """The range of ``node`` under the bindings ``env`` (see :meth:`producer_env`)."""
        return self.ranges.range(node, env, self.function)

    def _helper_producer(self, node: cst.BaseExpression, op_name: str) -> tuple[cst.Call, bool] | None:
        """What a same-module helper called here returns, when that is one ``op_name`` call."""
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name):
            helper = next((f for f in self.index.functions if f.name == node.func.value and f.cls is None
                           and isinstance(f.node, cst.FunctionDef)), None)
            returns = self.ranges.returns_of(helper) if helper else []
            if len(returns) == 1 and isinstance(returns[0][0], cst.Call) and self.op_name(returns[0][0]) == op_name:
                return returns[0][0], False
        return None

    def single_operand(self, call: cst.Call, ops) -> tuple[CallMeaning, cst.BaseExpression] | None:
        """``(meaning, x)`` when ``call`` is one of ``ops`` applied to the single operand ``x``."""
        meaning = self.imports.meaning(call)
        if meaning is None or meaning.op.name not in ops:
            return None
        operands = self.operands(call)
        return (meaning, operands[0]) if len(operands) == 1 else None

    def operands(self, call: cst.Call) -> list[cst.BaseExpression]:
        """Positional tensor operands, with a method's receiver first (``x.log()`` -> [x])."""
        meaning = self.imports.meaning(call)
        positional = [a.value for a in call.args if a.keyword is None and not a.star]
        if meaning is not None and meaning.receiver is not None:
            return [meaning.receiver, *positional]
        return positional

    def frameworks(self) -> set[str]:
        return self.imports.frameworks()

    def module_alias(self, qualified: str) -> str | None:
        """The local name bound to a module (``tensorflow`` -> ``tf``), if the file imports it."""
        return self.imports.local_name_for(qualified)

    def eps_expression(self) -> cst.BaseExpression | None:
        """An eps already in scope: a parameter, ``self.eps`` or a module constant."""
        function = self.function
        scope = function
        while scope is not None:
            for name in _EPS_NAMES:
                param = scope.parameter(name)
                if param is not None and self.ranges._parameter(param).is_positive:
                    return cst.Name(name)
            scope = scope.parent
        if function is not None and function.cls is not None:
            for name in _EPS_NAMES:
                if name in function.cls.init_attributes and self.range(cst.parse_expression(f"self.{name}")).is_positive:
                    return cst.parse_expression(f"self.{name}")
        constants = self.index.constants()
        for name in _EPS_NAMES:
            if name in constants and self.range(cst.Name(name)).is_positive:
                return cst.Name(name)
        return None

    def is_tensor_like(self, node: cst.BaseExpression) -> bool:
        """Is this value a framework tensor, by where it comes from? A value of unknown kind counts
        when it is computed from the prediction (a layer or a helper of another module applied to it)."""
        value = self.value(node)
        return value.is_tensor or (value.kind is Kind.UNKNOWN and value.grad is Grad.YES)

    def _tensor_like(self, node, env, function, depth: int) -> bool:
        if depth > 10:
            return False
        deeper = depth + 1
        if isinstance(node, cst.Name):
            if node.value not in env:
                return self._tensor_parameter(node.value, function)
            return any(self._tensor_parameter(node.value, function) if binding is OUTER
                       else self._tensor_like(binding.value, binding.env, function, deeper)
                       for binding in env[node.value])
        if isinstance(node, cst.BinaryOperation):
            return self._tensor_like(node.left, env, function, deeper) or self._tensor_like(node.right, env, function, deeper)
        if isinstance(node, cst.UnaryOperation):
            return self._tensor_like(node.expression, env, function, deeper)
        if isinstance(node, cst.IfExp):  # either value (also what ``x[i] = v`` leaves behind)
            return self._tensor_like(node.body, env, function, deeper) or \
                self._tensor_like(node.orelse, env, function, deeper)
        if isinstance(node, cst.Comparison):  # target > 0 on a tensor is a boolean tensor
            return self._tensor_like(node.left, env, function, deeper) or any(
                self._tensor_like(c.comparator, env, function, deeper) for c in node.comparisons)
        if isinstance(node, cst.Subscript):
            return self._tensor_like(node.value, env, function, deeper)
        if isinstance(node, cst.Attribute):
            return node.attr.value in ("data", "T", "mT") and self._tensor_like(node.value, env, function, deeper)
        if isinstance(node, cst.Call):
            callee = (dotted_name(node.func) or "").split(".")[-1]
            if callee.startswith(("is_", "has_")):
                return False  # predicates (tree.is_nested, x.is_complex()) return Python bools
            meaning = self.imports.meaning(node)
            if meaning is not None:
                if meaning.framework in ("torch", "tf", "keras", "jax"):
                    return True
                if meaning.framework == "tensor":
                    return self._tensor_like(meaning.receiver, env, function, deeper)
                return False
            if isinstance(node.func, cst.Attribute):
                if node.func.attr.value in _NOT_TENSOR_METHODS:
                    return False
                qualified = self.imports.qualify(node.func)
                if qualified is not None:
                    return qualified.split(".")[0] in ("torch", "F", "tf", "keras", "K", "jnp", "jax")
                return self._tensor_like(node.func.value, env, function, deeper)
        return False

    def _tensor_parameter(self, name: str, function: FunctionInfo | None, require_framework: bool = True) -> bool:
        scope = function
        while scope is not None:
            param = scope.parameter(name)
            if param is not None:
                annotation = param.annotation.annotation if param.annotation else None
                if isinstance(annotation, cst.Name) and annotation.value in _SCALAR_ANNOTATIONS:
                    return False
                has_default = param.default is not None and not (
                    isinstance(param.default, cst.Name) and param.default.value == "None")
                return (scope in self.scopes.functions and not has_default and not _SCALAR_PARAMETER.match(name)
                        and (not require_framework or self.uses_framework(scope)))
            scope = scope.parent
        return False

    def is_elementwise(self, node: cst.BaseExpression) -> bool:
        """Is this value still a tensor of per-element values (not reduced to a scalar)? Only with
        evidence: elementwise arithmetic on tensor parameters, ``reduction="none"``, or a same-module
        function that returns such a value."""
        return self._elementwise(node, self.env(), self.function, 0)

    def _elementwise(self, node, env, function, depth: int) -> bool:
        if depth > 8:
            return False
        deeper = depth + 1
        if isinstance(node, cst.Name):
            if node.value in env:
                bindings = env[node.value]
                return all(b is not OUTER and self._elementwise(b.value, b.env, function, deeper) for b in bindings)
            # .backward() on the result is evidence enough that the parameters are tensors.
            return self._tensor_parameter(node.value, function, require_framework=False)
        if isinstance(node, cst.BinaryOperation):  # broadcasting: one per-element side makes it per-element
            return any(self._elementwise(side, env, function, deeper) for side in (node.left, node.right))
        if isinstance(node, cst.UnaryOperation):
            return self._elementwise(node.expression, env, function, deeper)
        if not isinstance(node, cst.Call):
            return False
        keyword = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        reduction = keyword.get("reduction")
        if isinstance(reduction, cst.SimpleString):
            return reduction.evaluated_value == "none"
        if isinstance(node.func, cst.Call) and isinstance(keyword.get("reduction", None), type(None)):
            made = {a.keyword.value: a.value for a in node.func.args if a.keyword is not None}
            constructor = made.get("reduction")  # nn.MSELoss(reduction="none")(a, b)
            return isinstance(constructor, cst.SimpleString) and constructor.evaluated_value == "none"
        built = self.loss_object(node.func) if reduction is None and not isinstance(node.func, cst.Call) else None
        if built is not None and built[1] is not None:  # criterion = nn.CrossEntropyLoss(reduction="none")
            made = {a.keyword.value: a.value for a in built[1].args if a.keyword is not None}
            constructor = made.get("reduction")
            if isinstance(constructor, cst.SimpleString):
                return constructor.evaluated_value == "none"
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in V.PER_ELEMENT_METHODS:
            # x.gather(1, idx), x.view(-1): still one value per (selected) element of x
            return self._elementwise(node.func.value, env, function, deeper)
        meaning = self.imports.meaning(node)
        if meaning is not None:
            if meaning.op.name in ("mean", "sum", "norm", "max", "min", "std", "var"):
                return False  # reduced (over one axis it may still be a vector, or a single element: unknown)
            if meaning.op.unary or meaning.op.result is not None:
                operands = self.operands(node)
                return bool(operands) and self._elementwise(operands[0], env, function, deeper)
            return False
        if isinstance(node.func, cst.Name):  # a same-module loss function: what it returns
            helper = next((f for f in self.index.functions if f.name == node.func.value and f.cls is None
                           and isinstance(f.node, cst.FunctionDef)), None)
            returns = self.ranges.returns_of(helper) if helper else []
            return bool(returns) and all(self._elementwise(value, ret_env, helper, deeper) for value, ret_env in returns)
        return False

    def on_loss_path(self, node: cst.CSTNode | None = None, control: bool = True) -> bool:
        """Does the current statement (and ``node`` in it, for a return) feed what a loss function
        returns as its loss, or a value handed to autograd? Followed through the bindings in force
        (flow-sensitively: a name rebound for logging after its use is not on the path). For
        ``return loss, metrics`` only the first element counts; a lambda's body always does; a
        compound statement is on the path when something it controls is (with ``control``: a
        value read only to decide a branch does not flow into the loss)."""
        function = self.function
        statement = self.statement
        if statement is not None and statement in self.scopes.statements:
            return True
        if function is None or statement is None or isinstance(function.node, cst.Lambda):
            return function is not None
        if not self.scopes.is_loss_function(function):
            return False
        slice_ = self.scopes.loss_slice(function)
        if slice_ is None:
            return True  # a loss function without a returned value: all of it
        returns, statements, controls = slice_
        if statement in controls:
            return control or node is statement
        if statement in returns:
            if node is None:
                return True
            losses = returns[statement]
            if isinstance(node, cst.SimpleStatementLine) or any(node is loss for loss in losses):
                return True
            # node inside a returned loss, or holding one (``loss if c else other``: its test decides)
            return any(id(node) in self._nodes_within(loss) or id(loss) in self._nodes_within(node) for loss in losses)
        return statement in statements

    def _nodes_within(self, node: cst.CSTNode) -> frozenset[int]:
        """The ids of the nodes below ``node``, walked once (asked for every node of a long sum)."""
        found = self._within.get(id(node))
        if found is None:
            found = self._within[id(node)] = frozenset(map(id, iter_nodes(node)))
        return found

    def feeds_loss_gradient(self) -> bool:
        """Does the current statement feed the loss other than through detached terms? A value
        read only inside ``.detach()`` / ``stop_gradient`` (a straight-through estimator's ``x +
        (hard - x).detach()``) reaches the loss's value but not its gradient. True where the loss
        is not a function's returned value (sinks, statements): not worked out there."""
        function, statement = self.function, self.statement
        if function is None or statement is None or not self.scopes.is_loss_function(function) \
                or isinstance(function.node, cst.Lambda):
            return True
        if function not in self._gradient_slices:
            slice_ = self.scopes.loss_slice(function)
            if slice_ is None:
                self._gradient_slices[function] = None
            else:
                statements: set = set()
                seen: set = set()
                for returned, losses in slice_[0].items():
                    env = self.ranges.env_before(function, returned)
                    for loss in losses:
                        self.ranges.feeding(loss, env, statements, seen, cut=self._cuts_gradient)
                self._gradient_slices[function] = (statements, set(slice_[1]))
        found = self._gradient_slices[function]
        if found is None:
            return True
        statements, feeding = found
        # (what the slice reads beyond the returned value's own flow, a container's content, counts)
        return statement in statements or statement not in feeding or statement in self.scopes.statements

    def _cuts_gradient(self, call: cst.Call) -> bool:
        """``x.detach()``, ``tf.stop_gradient(x)``: what it is handed reaches its value only."""
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value in V.GRADIENT_CUTS and not call.args:
            return True
        return (self.imports.qualify(func) or "").split(".")[-1] == "stop_gradient"

    def gradient_lost_here(self, node: cst.CSTNode) -> bool:
        """Does ``node`` feed a term of the loss that depends on the prediction but carries no
        gradient (a step cut it: argmax, a cast comparison, round)? A step feeding a term that keeps
        a gradient through another factor (a Huber branch mask times the error) is not."""
        function = self.function
        if self.values.without_autograd(function):
            return False  # nothing here is differentiated: a step cuts no gradient
        key = function
        if key not in self._dead_terms:
            self._dead_terms[key] = self._feeding_dead_terms(function)
        statements, expressions = self._dead_terms[key]
        if self.statement in statements:
            return True
        return any(node is n or any(node is m for m in iter_nodes(n)) for n in expressions)

    def _feeding_dead_terms(self, function: FunctionInfo | None) -> tuple[set, list]:
        roots: list[tuple[cst.BaseExpression, object]] = []
        if function is not None and self.scopes.is_loss_function(function):
            slice_ = self.scopes.loss_slice(function)
            if slice_ is not None:
                for statement, losses in slice_[0].items():
                    env = self.ranges.env_before(function, statement)
                    roots += [(loss, env) for loss in losses]
        for sink in self.index.sinks:
            if sink.function is function:
                roots.append((sink.value, self.ranges.env_at(function, sink.value)))
        statements: set = set()
        expressions: list = []
        for root, env in roots:
            terms = [root]
            if isinstance(root, cst.Name) and len(env.get(root.value, ())) == 1 and env[root.value][0] is not OUTER:
                binding = env[root.value][0]  # loss = a + b; return loss
                terms, env = [binding.value], binding.env
            for term in [t for r in terms for t in sum_terms(r)]:
                value = self.values.value(term, env, function)
                # Integer ids (argmax) handed back are not a term: no framework differentiates
                # integers, so they reach a loss only as indices or through a cast, where that shows.
                # A term the author detached (a straight-through estimator's ``(hard - soft).detach()``)
                # carries no gradient by design, whatever steps feed it.
                if value.grad is Grad.NO and value.depends_on_prediction and not value.is_constant \
                        and value.kind is not Kind.INDEX and "detached" not in value.provenance:
                    expressions.append(term)
                    self.ranges.feeding(term, env, statements)
        return statements, expressions

    # -- provenance ---------------------------------------------------------------------------------
    def prediction_parameters(self, function: FunctionInfo | None) -> set[str]:
        """The loss's prediction argument(s): named like one (``pred``, ``logits``, ``y_pred``...), else
        the second parameter of a Keras loss ``(y_true, y_pred)`` or the first of a torch loss
        ``(input, target)``."""
        while function is not None and function.parent is not None and not function.parameters():
            function = function.parent
        if function is None:
            return set()
        names = [p.name.value for p in function.parameters() if p.name.value not in ("self", "cls")]
        named = {n for n in names if _PREDICTION_NAME.match(n)}
        if named:
            return named
        if len(names) >= 2 and function in self.scopes.keras_losses:
            return {names[1]}
        if len(names) >= 2 and _TARGET_NAME.match(names[1]):
            return {names[0]}
        return set()

    def is_prediction_derived(self, node: cst.BaseExpression) -> bool:
        """Does this value carry the prediction's gradient: computed through differentiable
        operations from a model's output or from a parameter the code shows to be the prediction?"""
        return self.value(node).grad is Grad.YES

    def _named_prediction_derived(self, node: cst.BaseExpression) -> bool:
        """Does this value flow from a parameter named as the prediction (through local assignments)?"""
        function = self.function
        predictions = set()
        scope = function
        while scope is not None:
            predictions |= self.prediction_parameters(scope)
            scope = scope.parent
        if not predictions:
            return False
        return self._derives(node, self.env(), predictions, 0)

    def _derives(self, node, env, predictions: set[str], depth: int) -> bool:
        if depth > 8:
            return False
        for name in used_names(node, values_only=True):
            if name in env:
                if any(b is not OUTER and self._derives(b.value, b.env, predictions, depth + 1)
                       or (b is OUTER and name in predictions) for b in env[name]):
                    return True
            elif name in predictions:
                return True
        return False

    def uses_framework(self, function: FunctionInfo) -> bool:
        """Does the function compute with torch/tf/keras/jax (not numpy alone)? A function that
        does not is a numpy reference or backend, and its parameters are arrays."""
        if function not in self._uses_framework:
            info = function
            while info.parent is not None:
                info = info.parent
            framework_method = info.cls is not None and info.parent is None and (
                (info.name == "forward" and self.scopes.is_torch_module(info.cls))
                or (info.name in ("call", "__call__") and self.scopes.is_keras_loss(info.cls)))
            self._uses_framework[function] = framework_method or _uses_tensor_framework(function.node, self.imports)
        return self._uses_framework[function]

    @property
    def precision(self) -> str:
        """The float type the current code computes in: float32, or float16/bfloat16 under autocast
        or a Keras mixed-precision policy."""
        if self._reduced is None:
            self._reduced = self.scopes.reduced_precision()
        info = self.function
        while info is not None:
            if info in self._reduced:
                return self._reduced[info]
            info = info.parent
        for node, precision in self._autocast_blocks:
            return precision
        return self.index.global_precision or "float32"

    def is_module_name(self, node: cst.BaseExpression) -> bool:
        name = dotted_name(node)
        return name is not None and self.imports.is_module_name(name.split(".")[0])


# Methods numpy arrays do not have: calling one shows the receiver is a torch tensor.
_TENSOR_ONLY_METHODS = frozenset({"detach", "clamp", "clamp_min", "unsqueeze", "view", "permute", "contiguous",
                                  "float", "cuda", "to", "type_as", "masked_fill", "softmax", "log_softmax",
                                  "sigmoid", "log", "exp", "sqrt", "pow", "requires_grad_", "backward", "norm",
                                  "abs", "square", "mm", "bmm", "gather", "relu", "expand", "expand_as", "log1p",
                                  "expm1", "logsumexp", "masked_select", "add_", "mul_", "sub_", "div_", "clamp_"})
_TENSOR_FRAMEWORK_ROOTS = frozenset({"torch", "F", "tf", "keras", "K", "jnp", "jax", "nn"})


def _uses_tensor_framework(node: cst.CSTNode, imports) -> bool:
    for call in iter_nodes(node):
        if not isinstance(call, cst.Call):
            continue
        qualified = imports.qualify(call.func)
        if qualified is not None:
            if qualified.split(".")[0] in _TENSOR_FRAMEWORK_ROOTS:
                return True
        elif isinstance(call.func, cst.Attribute) and call.func.attr.value in _TENSOR_ONLY_METHODS:
            if not imports.is_module_name((dotted_name(call.func.value) or "?").split(".")[0]):
                return True
    return False


_INFINITY_TESTS = frozenset({"isinf", "isnan", "isfinite", "is_inf", "is_nan", "is_finite", "nan_to_num",
                             "isposinf", "isneginf"})


def _assigned_names(small: cst.BaseSmallStatement) -> set[str]:
    if isinstance(small, cst.Assign):
        return {t.target.value for t in small.targets if isinstance(t.target, cst.Name)}
    return set()


def _tests_for_infinity(function: FunctionInfo, name: str) -> bool:
    """Is ``name`` (or a slice of it bound to another name: ``row = w[i]``) handed to isinf/isnan/
    isfinite/nan_to_num in ``function``?"""
    names = {name}
    for assignment in function.assignments:
        small = assignment.statement.body[0]
        if isinstance(small, cst.Assign) and isinstance(small.value, cst.Subscript) \
                and isinstance(small.value.value, cst.Name) and small.value.value.value in names:
            names |= _assigned_names(small)
    for node in iter_nodes(function.node):
        if isinstance(node, cst.Call) and node.args:
            func = node.func
            tail = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
            if tail in _INFINITY_TESTS:
                tested = node.args[0].value
                while isinstance(tested, cst.Subscript):
                    tested = tested.value
                if isinstance(tested, cst.Name) and tested.value in names:
                    return True
    return False
