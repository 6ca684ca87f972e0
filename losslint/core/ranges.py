"""What range a value can take, through local assignments (flow-sensitive in straight-line code,
joined at branches), module constants, default arguments, ``self.x`` set in ``__init__`` and the
return values of same-module helpers."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Mapping

import libcst as cst

from losslint.core.index import FunctionInfo, ModuleIndex
from losslint.core.interval import (INF, NONNEGATIVE, POSITIVE, SYMMETRIC_UNIT, UNIT, UNKNOWN,
                                    Interval)
from losslint.core.names import ImportTable, dotted_name
from losslint.core.project import Project
from losslint.core.walk import children


@dataclass(frozen=True, eq=False)
class Binding:
    """``name = value`` with the environment in force where it was assigned."""

    value: cst.BaseExpression
    env: Mapping[str, tuple]
    statement: cst.CSTNode | None = None  # the statement that made the binding


OUTER = "outer"  # the name keeps the meaning it had outside the function (parameter, global...)
UNKNOWN_VALUE = Binding(cst.Name("__unknown__"), {})  # bound to something we do not follow
Env = Mapping[str, tuple]

MAX_DEPTH = 20

# Calls and methods that keep the values of their (first) tensor argument.
VALUE_KEEPING_CALLS = frozenset({
    "torch.tensor", "torch.as_tensor", "torch.flatten", "torch.squeeze", "torch.unsqueeze", "torch.reshape",
    "tf.cast", "tf.reshape", "tf.squeeze", "tf.expand_dims", "tf.identity", "tf.stop_gradient",
    "tf.convert_to_tensor", "tf.constant", "keras.ops.cast", "keras.ops.reshape", "keras.ops.squeeze",
    "keras.ops.expand_dims", "keras.ops.convert_to_tensor", "keras.ops.stop_gradient", "K.cast", "K.reshape",
    "K.flatten", "K.stop_gradient", "np.asarray", "np.array", "float", "tf.transpose", "torch.transpose",
    "keras.ops.transpose", "torch.permute",
})
VALUE_KEEPING_METHODS = frozenset({
    "float", "double", "half", "bfloat16", "to", "detach", "clone", "contiguous", "view", "view_as",
    "reshape", "reshape_as", "squeeze", "unsqueeze", "flatten", "permute", "transpose", "expand",
    "expand_as", "repeat", "type", "type_as", "cpu", "cuda", "t", "requires_grad_",
})
VALUE_KEEPING_ATTRIBUTES = frozenset({"data", "T", "mT", "real"})
# Sizes of a batch or tensor: taken as at least 1.
COUNT_CALLS = frozenset({"len", "tf.size", "keras.ops.size", "torch.numel", "np.size"})
COUNT_METHODS = frozenset({"numel", "nelement", "size", "dim"})
NAMED_CONSTANTS = {"math.pi": math.pi, "np.pi": math.pi, "torch.pi": math.pi, "math.e": math.e, "np.e": math.e,
                   "math.inf": INF, "np.inf": INF, "True": 1.0, "False": 0.0}
FINFO = {  # (eps, tiny) per dtype spelling; float32 when the dtype is not spelled out
    "float16": (9.765625e-04, 6.103515625e-05), "half": (9.765625e-04, 6.103515625e-05),
    "bfloat16": (7.8125e-03, 1.1754943508222875e-38),
    "float64": (2.220446049250313e-16, 2.2250738585072014e-308), "double": (2.220446049250313e-16, 2.2250738585072014e-308),
    "float32": (1.1920928955078125e-07, 1.1754943508222875e-38),
}


NONZERO = "__nonzero__"  # env key: expressions a branch condition proved nonzero at this point
BOUNDS = "__bounds__"  # env key: (expression, interval) pairs a branch condition proved at this point
FACT_KEYS = (NONZERO, BOUNDS)


def nonzero_facts(test: cst.BaseExpression, taken: bool,
                  imports: ImportTable | None = None) -> tuple[cst.BaseExpression, ...]:
    """What a condition proves nonzero on the branch taken (``taken``) or not taken:
    ``if n == 0: return`` -> n afterwards; ``0 if s.sum() == 0 else a / s.sum()`` -> s.sum()."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return nonzero_facts(test.expression, not taken, imports)
    if isinstance(test, cst.BooleanOperation):
        both = isinstance(test.operator, cst.And) == taken  # (a and b) taken / (a or b) not taken
        return nonzero_facts(test.left, taken, imports) + nonzero_facts(test.right, taken, imports) if both else ()
    if imports is not None:
        test = imports.comparison(test)  # tf.not_equal(n, 0) is n != 0
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        right = test.comparisons[0].comparator
        if not (isinstance(right, (cst.Integer, cst.Float)) and right.evaluated_value == 0):
            return ()
        operator = type(test.comparisons[0].operator)
        proves = (operator in (cst.NotEqual, cst.GreaterThan) and taken) or (
            operator in (cst.Equal, cst.LessThanEqual) and not taken)
        return (_without_item(test.left),) if proves else ()
    quantified = _quantified(test, imports)
    if quantified is not None:  # all(x > 0) holds / any(x <= 0) fails: the comparison holds everywhere
        every, comparison = quantified
        return nonzero_facts(comparison, taken, imports) if every == taken else ()
    if taken and isinstance(test, (cst.Name, cst.Attribute, cst.Call)):
        return (_without_item(test),)
    return ()


def bound_facts(test: cst.BaseExpression, taken: bool,
                imports: ImportTable | None = None) -> tuple[tuple[cst.BaseExpression, Interval], ...]:
    """The intervals a condition confines expressions to on the branch taken or not taken:
    ``if not torch.all(cost > 0): raise`` -> cost in (0, inf) afterwards; ``if x < 1e-6: return``
    -> x in [1e-6, inf)."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return bound_facts(test.expression, not taken, imports)
    if isinstance(test, cst.BooleanOperation):
        both = isinstance(test.operator, cst.And) == taken
        return bound_facts(test.left, taken, imports) + bound_facts(test.right, taken, imports) if both else ()
    if imports is not None:
        test = imports.comparison(test)
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        bound = _literal_number(test.comparisons[0].comparator)
        if bound is None:
            return ()
        region = condition_region(type(test.comparisons[0].operator), bound, taken)
        return ((_without_item(test.left), region),) if isinstance(region, Interval) else ()
    quantified = _quantified(test, imports)
    if quantified is not None:
        every, comparison = quantified
        return bound_facts(comparison, taken, imports) if every == taken else ()
    return ()


def _literal_number(node: cst.BaseExpression) -> float | None:
    if isinstance(node, (cst.Integer, cst.Float)):
        return float(node.evaluated_value)
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus) \
            and isinstance(node.expression, (cst.Integer, cst.Float)):
        return -float(node.expression.evaluated_value)
    return None


def condition_facts(test: cst.BaseExpression, taken: bool, imports: ImportTable | None = None) -> tuple[tuple, tuple]:
    """What a condition proves where it holds (``taken``) or fails: (nonzero facts, bound facts)."""
    return nonzero_facts(test, taken, imports), bound_facts(test, taken, imports)


def assume(env: Env, facts: tuple[tuple, tuple]) -> Env:
    """``env`` with the condition facts of :func:`condition_facts` added."""
    nonzero, bounds = facts
    if nonzero:
        env = {**env, NONZERO: env.get(NONZERO, ()) + nonzero}
    if bounds:
        env = {**env, BOUNDS: env.get(BOUNDS, ()) + bounds}
    return env


def _same_values(name: str, bindings) -> bool:
    """``n = n.float()``, ``n = float(n)``: rebound to the same values (the facts about n still hold)."""
    if len(bindings) != 1 or bindings[0] is OUTER or bindings[0].value is None:
        return False
    value = bindings[0].value
    if not isinstance(value, cst.Call):
        return False
    if isinstance(value.func, cst.Attribute) and value.func.attr.value in VALUE_KEEPING_METHODS:
        return dotted_name(value.func.value) == name
    if isinstance(value.func, cst.Name) and value.func.value in ("float", "int") and len(value.args) == 1:
        return dotted_name(value.args[0].value) == name
    return False


def _names_in(node: cst.BaseExpression) -> set[str]:
    """The names and dotted names (``self.n``) an expression reads."""
    from losslint.core.walk import iter_nodes

    found = set()
    for n in (node, *iter_nodes(node)):
        if isinstance(n, (cst.Name, cst.Attribute)):
            name = dotted_name(n)
            if name is not None:
                found.add(name)
    return found


def _quantified(test: cst.BaseExpression, imports: ImportTable | None = None) -> tuple[bool, cst.Comparison] | None:
    """``torch.all(c)`` / ``(c).all()`` -> (True, c); ``any`` -> (False, c), for a comparison c."""
    if not isinstance(test, cst.Call):
        return None
    func = test.func
    name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else None
    if name not in ("all", "any"):
        return None
    if not test.args and isinstance(func, cst.Attribute):
        operand = func.value  # (x > 0).all()
    elif len(test.args) == 1:
        operand = test.args[0].value  # torch.all(x > 0), all(x > 0)
    else:
        return None
    if imports is not None:
        operand = imports.comparison(operand)
    return (name == "all", operand) if isinstance(operand, cst.Comparison) else None


def _out_of_place(call: cst.Call) -> tuple[str, cst.Call] | None:
    """``x.neg_().add_(y)``: ("x", ``x.neg().add(y)``), for a chain of in-place tensor methods on a name."""
    chain: list[cst.Call] = []  # outermost first
    node: cst.BaseExpression = call
    while isinstance(node, cst.Call):
        func = node.func
        if not isinstance(func, cst.Attribute) or not func.attr.value.endswith("_") or func.attr.value.startswith("_"):
            return None
        chain.append(node)
        node = func.value
    if not isinstance(node, cst.Name):
        return None
    rebuilt: cst.BaseExpression = node
    for link in reversed(chain):
        rebuilt = link.with_changes(func=link.func.with_changes(value=rebuilt, attr=cst.Name(link.func.attr.value[:-1])))
    return node.value, rebuilt


def _without_item(node: cst.BaseExpression) -> cst.BaseExpression:
    if (isinstance(node, cst.Call) and not node.args and isinstance(node.func, cst.Attribute)
            and node.func.attr.value in ("item", "float", "int")):
        return node.func.value
    return node


def condition_region(operator: type, c: float, taken: bool) -> Interval | str | None:
    """The values ``x`` can have where ``x <op> c`` holds (``taken``) or fails: an interval,
    "nonzero" (``x != 0`` holds / ``x == 0`` fails), or None when nothing useful is known."""
    if operator in (cst.NotEqual, cst.Equal):
        return "nonzero" if (operator is cst.NotEqual) == taken and c == 0 else None
    if operator not in (cst.GreaterThan, cst.GreaterThanEqual, cst.LessThan, cst.LessThanEqual):
        return None
    above = operator in (cst.GreaterThan, cst.GreaterThanEqual)
    closed = operator in (cst.GreaterThanEqual, cst.LessThanEqual)
    if not taken:
        above, closed = not above, not closed
    return Interval(c, INF, closed, False) if above else Interval(-INF, c, False, closed)


def _always_exits(block) -> bool:
    body = block.body
    last = body[-1] if body else None
    if isinstance(last, cst.SimpleStatementLine):
        return isinstance(last.body[-1], (cst.Return, cst.Raise, cst.Continue, cst.Break))
    return False


# A value named like an eps is one: the author put it there to keep something away from zero.
EPS_NAME = re.compile(r"^_*(eps|epsilon|tiny|small_val|small_value|smooth|get_eps|get_epsilon)(_\w+)?$|^\w*_(eps|epsilon)$",
                      re.IGNORECASE)
EPS_LIKE = Interval(0.0, 1.0, False, True)
RANDOM_DRAWS = frozenset({"randn", "randn_like", "rand", "rand_like", "normal", "uniform"})
MASK_NAME = re.compile(r"(^|_)(mask|masks|valid)($|_)", re.IGNORECASE)

RESULT_RANGES = {"unit": UNIT, "symmetric_unit": SYMMETRIC_UNIT, "positive": POSITIVE,
                 "nonnegative": NONNEGATIVE, "at_least_one": Interval(1.0, INF, True, False)}


class RangeAnalysis:
    def __init__(self, index: ModuleIndex, path: str | None = None, project: Project | None = None) -> None:
        self.index = index
        self.project = project or Project(path, index.imports)  # constants and helpers of sibling modules
        self._callers: dict[str, list] | None = None
        self.imports: ImportTable = index.imports
        self._envs: dict[object, dict[cst.CSTNode, Env]] = {}
        self._constants = index.constants()
        self._returns: dict[FunctionInfo, list[tuple[cst.BaseExpression, Env]]] = {}
        self._holding: dict[object, dict[int, cst.CSTNode]] = {}
        self._statement: cst.CSTNode | None = None  # the simple statement being applied
        self._range_cache: dict[tuple, tuple] = {}
        # Per-function facts (what a helper returns, what its callers pass), and those being computed.
        self._summaries: dict[tuple, Interval | None] = {}
        self._summarizing: set[tuple] = set()
        self._summary_cuts = 0

    # -- environments ---------------------------------------------------------------------------
    def env_before(self, function: FunctionInfo | None, statement: cst.CSTNode | None) -> Env:
        """The local bindings in force just before ``statement`` (in ``function``, or the module)."""
        envs = self._envs.get(function)
        if envs is None:
            envs = self._envs[function] = {}
            body = self._body(function)
            if body is not None:
                self._walk(body, {}, envs, function)
        return envs.get(statement, {}) if statement is not None else {}

    def env_at(self, function: FunctionInfo | None, node: cst.CSTNode) -> Env:
        """The bindings in force at the statement that holds ``node``."""
        return self.env_before(function, self.statements_holding(function).get(id(node)))

    def statements_holding(self, function: FunctionInfo | None) -> dict[int, cst.CSTNode]:
        """id(node) -> the innermost statement holding it that ``env_before`` knows (not into nested defs)."""
        holding = self._holding.get(function)
        if holding is None:
            self.env_before(function, None)
            envs = self._envs.get(function, {})
            holding = self._holding[function] = {}
            body = self._body(function)
            stack = [(statement, statement) for statement in (body or [])]
            while stack:
                node, statement = stack.pop()
                if node in envs:
                    statement = node
                holding[id(node)] = statement
                if isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
                    continue  # nested definitions have environments of their own
                stack.extend((child, statement) for child in children(node))
        return holding

    def feeding(self, value: cst.BaseExpression, env: Env, statements: set, seen: set | None = None,
                followed: list | None = None, cut=None) -> None:
        """Add to ``statements`` the assignments whose bindings ``value`` reads (transitively);
        ``followed`` gets every expression read on the way. ``cut``: calls whose operands are not
        followed (see ``used_names``)."""
        from losslint.core.index import used_names

        seen = set() if seen is None else seen
        stack = [(value, env)]
        while stack:
            node, node_env = stack.pop()
            packed = _packed_element(node)
            if packed is not None:  # loss, stats = gather((loss, stats), device): loss is gather's [0]
                stack.extend((part, node_env) for part in packed)
                continue
            if followed is not None:
                followed.append(node)
            # Values only: what is read for a size, a shape or a device (len(x), x.shape) is not
            # computed into the loss, and a Python number made there cuts no gradient.
            for name in used_names(node, values_only=True, cut=cut):
                for binding in node_env.get(name, ()):
                    if binding is OUTER or id(binding) in seen or not isinstance(binding, Binding):
                        continue
                    seen.add(id(binding))
                    if binding.statement is not None:
                        statements.add(binding.statement)
                    stack.append((binding.value, binding.env))

    def _body(self, function: FunctionInfo | None) -> list[cst.BaseStatement] | None:
        if function is None:
            return list(self._module_body) if hasattr(self, "_module_body") else None
        node = function.node
        if isinstance(node, cst.Lambda):
            return None
        return list(node.body.body) if isinstance(node.body, cst.IndentedBlock) else [node.body]

    def set_module(self, module: cst.Module) -> None:
        self._module_body = module.body

    def _walk(self, statements, env: Env, envs: dict, function) -> Env:
        for statement in statements:
            envs[statement] = env
            if isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
                self._statement = statement
                for small in statement.body:
                    env = self._apply(small, env)
                self._statement = None
            elif isinstance(statement, cst.If):
                holds = condition_facts(statement.test, True, self.imports)
                then_env = self._walk(statement.body.body, assume(env, holds), envs, function)
                else_env = assume(env, condition_facts(statement.test, False, self.imports))
                if isinstance(statement.orelse, cst.If):
                    else_env = self._walk([statement.orelse], else_env, envs, function)
                elif isinstance(statement.orelse, cst.Else):
                    else_env = self._walk(statement.orelse.body.body, else_env, envs, function)
                # A branch that always leaves (``if n == 0: return``, ``else: raise``) does not reach
                # what follows.
                if _always_exits(statement.body):
                    env = else_env
                elif isinstance(statement.orelse, cst.Else) and _always_exits(statement.orelse.body):
                    env = then_env
                else:
                    env = _join(then_env, else_env)
            elif isinstance(statement, (cst.For, cst.While)):
                loop_env = dict(env)
                if isinstance(statement, cst.For):
                    for name in _target_names(statement.target):
                        loop_env[name] = (UNKNOWN_VALUE,)
                    for name, element in _loop_elements(statement.target, statement.iter):
                        loop_env[name] = (Binding(element, env, statement),)
                after_body = self._walk(statement.body.body, loop_env, envs, function)
                env = _join(env, after_body)
                if statement.orelse is not None:
                    env = self._walk(statement.orelse.body.body, env, envs, function)
            elif isinstance(statement, cst.With):
                inner = dict(env)
                for item in statement.items:
                    if item.asname is not None:
                        for name in _target_names(item.asname.name):
                            inner[name] = (UNKNOWN_VALUE,)
                env = self._walk(statement.body.body, inner, envs, function)
            elif isinstance(statement, cst.Try):
                after_try = self._walk(statement.body.body, env, envs, function)
                joined = _join(env, after_try)
                branches = [after_try]
                for handler in statement.handlers:
                    branches.append(self._walk(handler.body.body, joined, envs, function))
                if statement.orelse is not None:
                    branches[0] = self._walk(statement.orelse.body.body, after_try, envs, function)
                env = branches[0]
                for branch in branches[1:]:
                    env = _join(env, branch)
                if statement.finalbody is not None:
                    env = self._walk(statement.finalbody.body.body, env, envs, function)
            elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                env = {**env, statement.name.value: (UNKNOWN_VALUE,)}
        return env

    def _apply(self, small: cst.BaseSmallStatement, env: Env) -> Env:
        new = self._applied(small, env)
        if new is not env and (new.get(NONZERO) or new.get(BOUNDS)):
            # A fact about x (``if x == 0: return``) says nothing of what x is rebound to after.
            rebound = {key for key, bindings in new.items() if key not in FACT_KEYS and bindings is not env.get(key)
                       and not _same_values(key, bindings)}
            nonzero, bounds = new.get(NONZERO, ()), new.get(BOUNDS, ())
            kept = tuple(fact for fact in nonzero if not (_names_in(fact) & rebound))
            kept_bounds = tuple(fact for fact in bounds if not (_names_in(fact[0]) & rebound))
            if len(kept) != len(nonzero) or len(kept_bounds) != len(bounds):
                new = {**new, NONZERO: kept, BOUNDS: kept_bounds}
        return new

    def _applied(self, small: cst.BaseSmallStatement, env: Env) -> Env:
        if isinstance(small, cst.Assert):  # past ``assert (x > 0).all()``, it holds
            return assume(env, condition_facts(small.test, True, self.imports))
        if isinstance(small, cst.Assign):
            for target in small.targets:
                env = self._bind(target.target, small.value, env)
        elif isinstance(small, cst.AnnAssign) and small.value is not None:
            env = self._bind(small.target, small.value, env)
        elif isinstance(small, cst.Expr) and isinstance(small.value, cst.Call) \
                and (rebound := _out_of_place(small.value)) is not None:
            # x.clamp_(min=eps) / x.neg_().add_(y) as a statement: x now holds x.clamp(min=eps) / x.neg().add(y).
            base, out_of_place = rebound
            env = {**env, base: (Binding(out_of_place, env, self._statement),)}
        elif isinstance(small, cst.AugAssign):
            name = dotted_name(small.target)
            operator = _AUG_TO_BINARY.get(type(small.operator))
            if name is not None:
                binding = (Binding(cst.BinaryOperation(small.target, operator(), small.value), env, self._statement)
                           if operator else UNKNOWN_VALUE)
                env = {**env, name: (binding,)}
            elif isinstance(small.target, cst.Subscript) and operator is not None:
                # x[i] += v: x holds its old values, or them combined with v.
                env = self._bind(small.target, cst.BinaryOperation(small.target, operator(), small.value), env)
        return env

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression, env: Env) -> Env:
        name = dotted_name(target)
        if name is not None:
            return {**env, name: (Binding(value, env, self._statement),)}
        if isinstance(target, (cst.Tuple, cst.List)):
            starred = any(isinstance(e, cst.StarredElement) for e in target.elements)
            values = (None if starred else _aligned(value.elements, len(target.elements))) \
                if isinstance(value, (cst.Tuple, cst.List)) else _mapped_items(value)
            new = dict(env)
            for i, element in enumerate(target.elements):
                if values is not None and len(values) == len(target.elements) and isinstance(element.value, cst.Name):
                    new[element.value.value] = (Binding(values[i].value, env, self._statement),)
                elif values is None and not starred and isinstance(element.value, cst.Name) \
                        and isinstance(value, (cst.Call, cst.Name, cst.Attribute, cst.ListComp, cst.Subscript)):
                    # a, b = f(x) (or f(x)[:2]): a holds f(x)[0] (what the element analysis can read of a returned tuple)
                    item = cst.Subscript(value, [cst.SubscriptElement(cst.Index(cst.Integer(str(i))))])
                    new[element.value.value] = (Binding(item, env, self._statement),)
                else:
                    for bound in _target_names(element.value):
                        new[bound] = (UNKNOWN_VALUE,)
            return new
        if isinstance(target, cst.Subscript):
            # ``x[i] = v`` changes some elements: x now holds its old values or v.
            base = dotted_name(target.value)
            if base is not None:
                either = cst.IfExp(test=cst.Name("__either__"), body=cst.Name(base) if "." not in base
                                   else cst.parse_expression(base), orelse=value)
                return {**env, base: (Binding(either, env, self._statement),)}
        return env

    # -- ranges ---------------------------------------------------------------------------------
    def range(self, node: cst.BaseExpression, env: Env, function: FunctionInfo | None, depth: int = 0) -> Interval:
        if depth > MAX_DEPTH:
            return UNKNOWN
        # Kept per depth (the answer depends on how much depth is left), so that rebinding chains
        # (``x = x + f(x)``, read twice per step) cost their length, not 2 ** MAX_DEPTH.
        key = (id(node), id(env), id(function), depth)
        known = self._range_cache.get(key)
        if known is not None:
            return known[2]
        value = self._range(node, env, function, depth)
        facts = env.get(NONZERO)
        if facts and value.is_nonnegative and value.may_be_zero and self.proven_nonzero(node, facts, env):
            value = value.intersect(Interval(0.0, INF, False, False))
        for fact, region in env.get(BOUNDS, ()):
            if self._is_fact_subject(node, fact, env):
                value = value.intersect(region)
        self._range_cache[key] = (node, env, value)  # the node and env held alive: their ids stay theirs
        return value

    def proven_nonzero(self, node: cst.BaseExpression, facts, env: Env) -> bool:
        return any(self._is_fact_subject(node, fact, env) for fact in facts)

    @staticmethod
    def _is_fact_subject(node: cst.BaseExpression, fact: cst.BaseExpression, env: Env) -> bool:
        """Is ``node`` the expression a condition fact is about, directly or through one binding?"""
        candidates = [node]
        if isinstance(node, cst.Name) and len(env.get(node.value, ())) == 1 and env[node.value][0] is not OUTER:
            candidates.append(env[node.value][0].value)  # d = s.sum(); ... d is the fact's s.sum()
        for candidate in candidates:
            if candidate.deep_equals(fact):
                return True
            if isinstance(fact, cst.Name) and len(env.get(fact.value, ())) == 1 \
                    and env[fact.value][0] is not OUTER and env[fact.value][0].value.deep_equals(candidate):
                return True
        return False

    def _range(self, node: cst.BaseExpression, env: Env, function: FunctionInfo | None, depth: int = 0) -> Interval:
        deeper = depth + 1
        if isinstance(node, cst.Integer):
            return Interval.const(float(node.evaluated_value))
        if isinstance(node, cst.Float):
            return Interval.const(node.evaluated_value)
        if isinstance(node, cst.UnaryOperation):
            inner = self.range(node.expression, env, function, deeper)
            if isinstance(node.operator, cst.Minus):
                return -inner
            if isinstance(node.operator, cst.Plus):
                return inner
            if isinstance(node.operator, cst.Not):
                return UNIT
            if isinstance(node.operator, cst.BitInvert) and inner.lo >= 0 and inner.hi <= 1:
                return UNIT  # ~mask
            return UNKNOWN
        if isinstance(node, cst.BinaryOperation):
            return self._binary(node, env, function, deeper)
        if isinstance(node, (cst.Name, cst.Attribute)):
            return self._named(node, env, function, deeper)
        if isinstance(node, cst.Call):
            return self._call(node, env, function, deeper)
        if isinstance(node, cst.Subscript):
            if self._is_shape(node.value):
                return Interval(1.0, INF, True, False)
            entry = self._literal_entry(node, env, function)
            if entry is not None:  # self.coeffs["EPS"] of a dict literal: that entry's value
                return self.range(entry[0], entry[1], entry[2], deeper)
            value = self.range(node.value, env, function, deeper)
            return self._masked(node, value, env, function, deeper)
        if isinstance(node, cst.IfExp):
            return self.range(node.body, env, function, deeper).join(self.range(node.orelse, env, function, deeper))
        if isinstance(node, cst.Comparison):
            return UNIT
        return UNKNOWN

    def _literal_entry(self, node: cst.Subscript, env: Env, function):
        """(value, env, function) of ``d["key"]`` / ``t[0]`` where ``d`` / ``t`` is a dict or tuple
        literal: bound locally, a module constant, a class attribute or ``self.x`` from ``__init__``."""
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return None
        key = node.slice[0].slice.value
        if not isinstance(key, (cst.SimpleString, cst.Integer)):
            return None
        container, container_env, owner = node.value, env, function
        name = dotted_name(container)
        for _ in range(6):
            if isinstance(container, cst.Call) and len(container.args) == 1 and (
                    dotted_name(container.func) == "dict" or (isinstance(container.func, cst.Attribute)
                                                             and container.func.attr.value == "copy")):
                # dict(self.default_coeffs), coeffs.copy(): the same entries
                container = container.args[0].value if dotted_name(container.func) == "dict" else container.func.value
                name = dotted_name(container)
                continue
            if name is not None and name in container_env and len(container_env[name]) == 1 \
                    and container_env[name][0] is not OUTER:
                binding = container_env[name][0]
                container, container_env = binding.value, binding.env
                name = dotted_name(container)
                continue
            if name is not None and name.startswith("self.") and owner is not None and owner.cls is not None:
                attribute = name[5:]
                value = owner.cls.init_attributes.get(attribute)
                init = owner.cls.methods.get("__init__")
                if value is not None and init is not None:
                    container, container_env, owner = value, self.env_before(init, None), init
                else:
                    container = _class_attribute(owner.cls.node, attribute)
                    container_env, owner = {}, None
                name = dotted_name(container) if container is not None else None
                continue
            if name is not None and "." not in name and name in self._constants:
                container, container_env, owner = self._constants[name], {}, None
                name = dotted_name(container)
                continue
            break
        if isinstance(container, cst.Dict) and isinstance(key, cst.SimpleString):
            for element in container.elements:
                if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString) \
                        and element.key.evaluated_value == key.evaluated_value:
                    return element.value, container_env, owner
        if isinstance(container, (cst.Tuple, cst.List)) and isinstance(key, cst.Integer):
            index = int(key.evaluated_value)
            if 0 <= index < len(container.elements) and not any(
                    isinstance(e, cst.StarredElement) for e in container.elements):
                return container.elements[index].value, container_env, owner
        return None

    def _masked(self, node: cst.Subscript, value: Interval, env: Env, function, depth: int) -> Interval:
        """``x[x != 0]``, ``x[x > t]`` (also through a mask variable) select the values that pass."""
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return value
        mask = node.slice[0].slice.value
        if isinstance(mask, cst.Name) and mask.value in env and len(env[mask.value]) == 1 \
                and env[mask.value][0] is not OUTER:
            mask = env[mask.value][0].value
        mask = self.imports.comparison(mask)  # x[x.gt(0)], x[tf.greater(x, 0)]
        if not isinstance(mask, cst.Comparison) or len(mask.comparisons) != 1:
            return value
        comparison = mask.comparisons[0]
        if not mask.left.deep_equals(node.value):
            return value
        bound = self.range(comparison.comparator, env, function, depth)
        if not bound.is_constant:
            return value
        if isinstance(comparison.operator, cst.GreaterThan):
            return value.intersect(Interval(bound.lo, INF, False, False))
        if isinstance(comparison.operator, cst.GreaterThanEqual):
            return value.intersect(Interval(bound.lo, INF, True, False))
        if isinstance(comparison.operator, cst.NotEqual) and bound.lo == 0:
            # The author excluded zero on purpose: taken as the guard it is meant to be.
            return Interval(0.0, max(value.hi, 1.0), False, value.hi_closed)
        return value

    def _refined(self, branch: cst.BaseExpression, value: Interval, condition: cst.BaseExpression, taken: bool,
                 env: Env, function, depth: int) -> Interval:
        """A where-branch only sees the values its condition lets through:
        ``where(d > 0, d, 1)`` never yields ``d <= 0``; ``where(d == 0, 1, d)`` never yields ``d == 0``."""
        condition = self.imports.comparison(condition)
        if not isinstance(condition, cst.Comparison) or len(condition.comparisons) != 1 \
                or not condition.left.deep_equals(branch):
            return value
        bound = self.range(condition.comparisons[0].comparator, env, function, depth)
        if not bound.is_constant:
            return value
        region = condition_region(type(condition.comparisons[0].operator), bound.lo, taken)
        if region == "nonzero":
            return value.intersect(Interval(0.0, INF, False, False)) if value.is_nonnegative else value
        return value.intersect(region) if region is not None else value

    def _is_random_draw(self, node: cst.BaseExpression, env: Env) -> bool:
        if isinstance(node, cst.Name) and len(env.get(node.value, ())) == 1 and env[node.value][0] is not OUTER:
            node = env[node.value][0].value
        if not isinstance(node, cst.Call):
            return False
        qualified = self.imports.qualify(node.func) or ""
        return qualified.split(".")[-1] in RANDOM_DRAWS and qualified.split(".")[0] in ("torch", "tf", "np", "keras")

    def _binary(self, node: cst.BinaryOperation, env: Env, function, depth: int) -> Interval:
        op = node.operator
        left = self.range(node.left, env, function, depth)
        if isinstance(op, cst.Power):
            right = self.range(node.right, env, function, depth)
            if right.is_constant:
                return left.power(right.lo)
            if left.lo >= 0 and left.hi <= 1 and right.hi <= 0:
                return Interval(1.0, INF, True, False)  # p ** (-t), p in [0, 1], t >= 0: at least 1
            return left.any_power()
        right = self.range(node.right, env, function, depth)
        if isinstance(op, cst.Add):
            blended = self._convex_combination(node, env, function, depth)
            return blended if blended is not None else left + right
        if isinstance(op, cst.Subtract):
            # a - a * m with a >= 0 and m in [0, 1] is a * (1 - m): in [0, max a] (zeroing a diagonal).
            if isinstance(node.right, cst.BinaryOperation) and isinstance(node.right.operator, cst.Multiply) \
                    and left.is_nonnegative:
                for same, mask in ((node.right.left, node.right.right), (node.right.right, node.right.left)):
                    factor = self.range(mask, env, function, depth)
                    if same.deep_equals(node.left) and factor.lo >= 0 and factor.hi <= 1:
                        return Interval(0.0, left.hi, True, left.hi_closed)
            return left - right
        if isinstance(op, cst.Multiply):
            if _same_expression(node.left, node.right):
                return left.square()
            return left * right
        if isinstance(op, cst.Divide):
            return left / right
        return UNKNOWN

    def _convex_combination(self, node: cst.BinaryOperation, env: Env, function, depth: int) -> Interval | None:
        """``x * m + y * (1 - m)`` (or ``+ (1 - m)``: y = 1) with m in [0, 1] lies between x and y,
        element by element (a focal loss's ``alpha * t + (1 - alpha) * (1 - t)``, seesaw's
        ``ratio ** p * index + (1 - index)``): the join of their ranges, not the sum."""
        for first, second in ((node.left, node.right), (node.right, node.left)):
            first, second = _unparenthesized(first), _unparenthesized(second)
            if not (isinstance(first, cst.BinaryOperation) and isinstance(first.operator, cst.Multiply)):
                continue
            for weight, x in ((first.left, first.right), (first.right, first.left)):
                y = _complement_weighted(second, weight)
                if y is None:
                    continue
                factor = self.range(weight, env, function, depth)
                if factor.lo >= 0 and factor.hi <= 1:
                    return self.range(x, env, function, depth).join(self.range(y, env, function, depth))
        return None

    def _named(self, node: cst.Name | cst.Attribute, env: Env, function, depth: int) -> Interval:
        name = dotted_name(node)
        if isinstance(node, cst.Attribute) and node.attr.value in VALUE_KEEPING_ATTRIBUTES and name not in env:
            return self.range(node.value, env, function, depth)  # x.T, x.data: the values of x
        if isinstance(node, cst.Attribute) and node.attr.value == "size" and name not in env \
                and not (isinstance(node.value, cst.Name) and node.value.value in ("self", "cls")):
            # numpy's and jax's ``a.size``, a mesh dimension's ``d.size``: a count of elements (torch's
            # ``size`` is a method, called); not an object's own setting named so
            return NONNEGATIVE
        if name is None:
            if isinstance(node, cst.Attribute):
                return self._attribute_of_value(node, env, function, depth)
            return UNKNOWN
        if name in env:
            result = None
            for binding in env[name]:
                value = (self._outer(name, function, depth) if binding is OUTER
                         else self.range(binding.value, binding.env, function, depth))
                result = value if result is None else result.join(value)
            return result or UNKNOWN
        return self._outer(name, function, depth)

    def _set_in_init(self, cls, attribute: str, depth: int) -> Interval | None:
        """The range of what the class's ``__init__`` sets ``self.<attribute>`` to, None if it sets nothing."""
        value = cls.init_attributes.get(attribute)
        init = cls.methods.get("__init__")
        if value is None or init is None:
            return None
        # Under what holds where it is set: ``if eps <= 0: raise ...`` before ``self.eps = eps``.
        return self.range(value, self.env_at(init, value), init, depth + 1)

    def _outer(self, name: str, function: FunctionInfo | None, depth: int) -> Interval:
        found = self._resolve_outer(name, function, depth)
        if found == UNKNOWN and EPS_NAME.match(name.split(".")[-1]):
            return EPS_LIKE
        return found

    def _resolve_outer(self, name: str, function: FunctionInfo | None, depth: int) -> Interval:
        qualified = self.imports.qualify_dotted(name) if "." in name else None
        constant = NAMED_CONSTANTS.get(qualified or name)
        if constant is not None:
            return Interval.const(constant)
        if name.startswith("self.") and function is not None and function.cls is not None:
            attribute = name[5:]
            if attribute in function.cls.changed_attributes:
                return UNKNOWN  # what __init__ set is not what the code reads later
            found = self._set_in_init(function.cls, attribute, depth)
            if found is not None:
                return found
            class_value = _class_attribute(function.cls.node, attribute)
            if class_value is not None:
                return self.range(class_value, {}, None, depth + 1)
            return UNKNOWN
        if name.count(".") == 1 and function is not None:
            # ``def kl(self, other): assert isinstance(other, DiagGaussian)``: an attribute of another
            # instance of a class of the module holds what that class's __init__ set.
            head, attribute = name.split(".")
            cls = self.index.classes.get(_declared_class(function, head) or "")
            if cls is not None and attribute not in cls.changed_attributes:
                found = self._set_in_init(cls, attribute, depth)
                if found is not None:
                    return found
        scope = function
        while scope is not None:
            param = scope.parameter(name)
            if param is not None:
                declared = self._parameter(param)
                if declared == UNKNOWN:
                    passed = self._passed_by_callers(scope, name)
                    if passed is not None:
                        return passed
                return declared
            # A closure reads the enclosing function's binding.
            if scope.parent is not None and name in self.env_before(scope.parent, _statement_of(scope)):
                return self.range(cst.Name(name), self.env_before(scope.parent, _statement_of(scope)),
                                  scope.parent, depth + 1)
            scope = scope.parent
        if name in self._constants and "." not in name:
            return self.range(self._constants[name], {}, None, depth + 1)
        value = self.project.constant(name)
        if value is not None:
            return Interval.const(value)
        return UNKNOWN

    def _passed_by_callers(self, function: FunctionInfo, name: str) -> Interval | None:
        """What every caller in this module passes for the parameter ``name`` (a helper whose every
        caller passes a guarded value is guarded); None where a call site's argument cannot be
        told, or there is no call site. A method is called as ``self.m(...)`` in its class, or in a
        base class of this module that it overrides. A summary, as ``returned_range``."""
        if isinstance(function.node, cst.Lambda):
            return None
        return self._summary(("passed", function, name), lambda: self._passed(function, name))

    def _passed(self, function: FunctionInfo, name: str) -> Interval | None:
        params = [p for p in function.parameters() if p.name.value not in ("self", "cls")]
        names = [p.name.value for p in params]
        if name not in names or any(p.star for p in params[:names.index(name) + 1]):
            return None
        callers = self.call_sites()
        key = f"self.{function.name}" if function.cls is not None else function.name
        classes = self._class_and_bases(function.cls) if function.cls is not None else None
        position, param = names.index(name), params[names.index(name)]
        result = None
        for call, caller in callers.get(key, ())[:8]:
            if caller is function or (classes is not None and (caller is None or caller.cls not in classes)):
                continue
            if any(a.star for a in call.args):
                return None
            arg = argument_for(call, name, position)
            if arg is None:
                if param.default is None:
                    return None
                passed = self._parameter(param)
            else:
                passed = self.range(arg, self.env_at(caller, call), caller, 0)
            if passed == UNKNOWN:
                return None
            result = passed if result is None else result.join(passed)
        return result

    def call_sites(self) -> dict[str, list]:
        """The calls in this module by the name they call (built once, shared with the values)."""
        if self._callers is None:
            self._callers = call_sites(self.index)
        return self._callers

    def _class_and_bases(self, cls) -> set:
        """``cls`` and the classes of this module it derives from (their ``self.m()`` may reach it)."""
        found, pending = set(), [cls]
        while pending:
            current = pending.pop()
            if current in found:
                continue
            found.add(current)
            for base in current.bases:
                known = self.index.classes.get(dotted_name(base) or "")
                if known is not None:
                    pending.append(known)
        return found

    def _parameter(self, param: cst.Param) -> Interval:
        """A parameter is unknown, but a numeric default (``eps=1e-6``) states what it holds, and a
        mask is made of zeros and ones."""
        if MASK_NAME.search(param.name.value):
            return UNIT
        default = param.default
        if default is not None and _numeric_literal(default):  # eps=1e-6, lam=1 / 13, gamma=-2
            return self.range(default, {}, None, MAX_DEPTH - 2)
        if isinstance(default, (cst.Name, cst.Attribute, cst.Call)) and not (
                isinstance(default, cst.Name) and default.value == "None"):
            # eps=EPS, eps=torch.finfo(torch.float32).eps: what the default names
            return self.range(default, {}, None, MAX_DEPTH - 3)
        return UNKNOWN

    def _attribute_of_value(self, node: cst.Attribute, env: Env, function, depth: int) -> Interval:
        attr = node.attr.value
        if attr in ("eps", "tiny") and isinstance(node.value, cst.Call):
            meaning = self.imports.meaning(node.value)
            if meaning is not None and meaning.op.name == "finfo":
                dtype = dotted_name(node.value.args[0].value) if node.value.args else None
                key = (dtype or "").split(".")[-1]
                eps, tiny = FINFO.get(key, FINFO["float32"])
                return Interval.const(eps if attr == "eps" else tiny)
        if attr in VALUE_KEEPING_ATTRIBUTES:
            return self.range(node.value, env, function, depth)
        if attr == "shape":
            return Interval(1.0, INF, True, False)
        return UNKNOWN

    def _is_shape(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Attribute) and node.attr.value == "shape":
            return True
        if isinstance(node, cst.Call):
            qualified = self.imports.qualify(node.func)
            return qualified in ("tf.shape", "keras.ops.shape", "K.shape") or (
                isinstance(node.func, cst.Attribute) and node.func.attr.value == "size")
        return False

    def _call(self, node: cst.Call, env: Env, function, depth: int) -> Interval:
        if self.imports.comparison(node) is not node:
            return UNIT  # tf.greater(a, b), a.gt(b): booleans
        meaning = self.imports.meaning(node)
        args = [a for a in node.args if a.keyword is None and not a.star]
        kwargs = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        operands = [a.value for a in args]
        if meaning is not None and meaning.receiver is not None:
            operands = [meaning.receiver, *operands]

        def arg(i: int, *names: str) -> Interval | None:
            for name in names:
                if name in kwargs:
                    return self.range(kwargs[name], env, function, depth)
            if i < len(operands):
                return self.range(operands[i], env, function, depth)
            return None

        if meaning is None:
            return self._other_call(node, operands, env, function, depth)
        op = meaning.op.name
        x = arg(0, "input", "x")
        if op == "epsilon":
            return Interval.const(1e-7)
        if x is None:
            return UNKNOWN
        first = operands[0] if operands else kwargs.get("input", kwargs.get("x"))  # torch.norm(input=v)
        if op == "norm" and (self._is_random_draw(first, env) or not x.may_be_zero):
            # A random Gaussian or uniform vector is never exactly zero; nor is the norm of elements
            # that all lie away from zero (it is at least the smallest of their magnitudes).
            return POSITIVE
        if meaning.op.result is not None:
            return RESULT_RANGES[meaning.op.result]
        if op == "expm1":  # increasing: the ends map to the ends
            lo = math.expm1(x.lo) if x.lo > -INF else -1.0
            hi = math.expm1(min(x.hi, 700.0)) if x.hi < INF else INF
            return Interval(lo, hi, x.lo_closed and x.lo > -INF, x.hi_closed and x.hi < INF)
        if op in ("abs",):
            return x.abs()
        if op == "square":
            return x.square()
        if op == "relu":
            return x.maximum(Interval.const(0.0))
        if op == "sqrt":
            return (NONNEGATIVE if x.may_be_zero else POSITIVE) if x.is_nonnegative else UNKNOWN
        if op == "rsqrt":
            return POSITIVE if x.is_positive else UNKNOWN
        if op in ("log", "log2", "log10"):
            return NONNEGATIVE if x.lo >= 1 else UNKNOWN
        if op == "log1p":
            return NONNEGATIVE if x.is_nonnegative else UNKNOWN
        if op == "clamp":
            floor = arg(1, "min", "clip_value_min", "a_min", "x_min")
            ceiling = arg(2, "max", "clip_value_max", "a_max", "x_max")
            return x.clamp(floor, ceiling)
        if op == "clamp_min":
            floor = arg(1, "min")
            return x.clamp(floor, None)
        if op == "clamp_max":  # caps the high end only: what was positive stays positive (below the cap)
            ceiling = arg(1, "max")
            return x.clamp(None, ceiling)
        if op in ("maximum", "minimum"):
            other = arg(1, "other", "y", "x2")
            if other is None:
                return UNKNOWN
            return x.maximum(other) if op == "maximum" else x.minimum(other)
        if op in ("mean", "max", "min"):
            return x
        if op in ("add", "multiply"):
            other = arg(1, "other", "y", "x2")
            if other is None or "alpha" in kwargs:
                return UNKNOWN
            return x + other if op == "add" else x * other
        if op == "sum":
            if x.is_positive:
                return POSITIVE
            return NONNEGATIVE if x.is_nonnegative else UNKNOWN
        if op == "where":
            a, b = arg(1, "x", "input"), arg(2, "y", "other")
            if a is None or b is None or len(operands) < 3:
                return UNKNOWN
            condition = operands[0]
            a = self._refined(operands[1], a, condition, True, env, function, depth)
            b = self._refined(operands[2], b, condition, False, env, function, depth)
            return a.join(b)
        if op == "pow":
            exponent = arg(1, "exponent", "y")
            if exponent is not None and exponent.is_constant:
                return x.power(exponent.lo)
            return x.any_power()
        return UNKNOWN

    def _other_call(self, node: cst.Call, operands, env: Env, function, depth: int) -> Interval:
        qualified = self.imports.qualify(node.func)
        name = qualified or dotted_name(node.func) or ""
        method = node.func.attr.value if isinstance(node.func, cst.Attribute) else None
        if name in ("max", "min") and len(operands) == 2 and not node.args[0].keyword:
            a, b = (self.range(o, env, function, depth) for o in operands)
            return a.maximum(b) if name == "max" else a.minimum(b)
        if name in COUNT_CALLS or (method in COUNT_METHODS and qualified is None):
            return Interval(1.0, INF, True, False)
        if name in VALUE_KEEPING_CALLS and operands:
            return self.range(operands[0], env, function, depth)
        if method in VALUE_KEEPING_METHODS and qualified is None:
            return self.range(node.func.value, env, function, depth)
        tail = name.split(".")[-1]
        if EPS_NAME.match(tail):  # ``c_f.small_val(dtype)``, ``get_eps()``
            return EPS_LIKE
        if tail in ("ones", "ones_like"):
            return Interval.const(1.0)
        if tail in ("zeros", "zeros_like"):
            return Interval.const(0.0)
        if tail in ("eye", "rand", "rand_like", "bernoulli") and qualified is not None:
            return UNIT
        filled = self._filled(node, name, method, qualified, env, function, depth)
        if filled is not None:
            return filled
        if tail == "clone" and operands:
            return self.range(operands[0], env, function, depth)
        if isinstance(node.func, cst.Name) or (method and dotted_name(node.func) and dotted_name(node.func).startswith("self.")):
            helper = self._helper_named(dotted_name(node.func), function)
            handed_back = self._handed_back(node, helper) if helper is not None and helper.cls is None else None
            if handed_back is not None:  # cast_like(eps, x): the value of eps, in x's dtype
                return self.range(handed_back, env, function, depth + 1)
            # (a guard inside a helper counts)
            result = self.returned_range(helper) if helper is not None else UNKNOWN
            if result != UNKNOWN or not isinstance(node.func, cst.Name):
                return result
        imported = self.project.function(node.func, env)
        if imported is not None:
            other, helper = imported
            return other.ranges.returned_range(helper)
        return UNKNOWN

    def _filled(self, node: cst.Call, name: str, method: str | None, qualified: str | None, env: Env, function,
                depth: int) -> Interval | None:
        """A tensor filled with one value or one draw, whatever it held (``torch.full(s, c)``,
        ``x.new_full(s, c)``, ``tf.fill(d, c)``, ``x.fill_(c)``, ``x.zero_()``, ``x.uniform_(a, b)``)."""
        def range_of(value: cst.BaseExpression | None, default: float | None = None) -> Interval | None:
            if value is None:
                return Interval.const(default) if default is not None else None
            return self.range(value, env, function, depth)

        if qualified is not None:
            tail = qualified.split(".")[-1]
            if tail in ("full", "full_like", "fill"):
                return range_of(argument_for(node, "value" if tail == "fill" else "fill_value", 1))
            return None
        if method in ("fill_", "new_full"):
            return range_of(argument_for(node, "value", 0) if method == "fill_" else argument_for(node, "fill_value", 1))
        if method in ("zero_", "new_zeros"):
            return Interval.const(0.0)
        if method == "new_ones":
            return Interval.const(1.0)
        if method == "uniform_":
            low, high = range_of(argument_for(node, "from", 0), 0.0), range_of(argument_for(node, "to", 1), 1.0)
            return Interval(low.lo, high.hi, True, True)
        if method == "bernoulli_":
            return UNIT
        if method == "exponential_":
            return NONNEGATIVE
        return None

    def _handed_back(self, call: cst.Call, helper: FunctionInfo) -> cst.BaseExpression | None:
        """The argument of ``call`` the module function ``helper`` returns with its values kept
        (converted, cast or reshaped, on every return path), else None."""
        position = self._summary(("passes", helper), lambda: self._passed_through(helper))
        if position is None:
            return None
        parameter = [p.name.value for p in helper.parameters()][position]
        return argument_for(call, parameter, position)

    def _passed_through(self, helper: FunctionInfo) -> int | None:
        names = [p.name.value for p in helper.parameters()]
        found = set()
        for value, env in self.returns_of(helper):
            for _ in range(8):  # through the names it was bound to: x = tf.convert_to_tensor(x)
                qualified = self.imports.qualify(value.func) if isinstance(value, cst.Call) else None
                operands = [a.value for a in value.args if a.keyword is None and not a.star] \
                    if isinstance(value, cst.Call) else []
                if qualified in VALUE_KEEPING_CALLS and operands:
                    value = operands[0]
                elif isinstance(value, cst.Call) and qualified is None and isinstance(value.func, cst.Attribute) \
                        and value.func.attr.value in VALUE_KEEPING_METHODS:
                    value = value.func.value
                elif isinstance(value, cst.Name) and value.value in env and len(env[value.value]) == 1 \
                        and env[value.value][0] is not OUTER and isinstance(env[value.value][0], Binding) \
                        and env[value.value][0].value is not UNKNOWN_VALUE.value:
                    value, env = env[value.value][0].value, env[value.value][0].env
                else:
                    break
            if not (isinstance(value, cst.Name) and value.value in names
                    and (value.value not in env or env[value.value] == (OUTER,))):
                return None
            found.add(names.index(value.value))
        return found.pop() if len(found) == 1 else None

    def _helper_named(self, name: str, caller: FunctionInfo | None) -> FunctionInfo | None:
        """The same-module function (or, for ``self.m``, the caller's method) a call names."""
        if name.startswith("self."):
            return caller.cls.methods.get(name[5:]) if caller and caller.cls else None
        return next((f for f in self.index.functions if f.name == name and f.cls is None
                     and isinstance(f.node, cst.FunctionDef)), None)

    def returned_range(self, helper: FunctionInfo, depth: int = 0) -> Interval:
        """The join of the ranges of what ``helper`` returns: a summary of the helper, the same for
        every caller (its parameters are what all callers pass), so it is computed once, with the
        whole depth budget of its own."""
        return self._summary(("returns", helper), lambda: self._returned_range(helper))

    def _returned_range(self, helper: FunctionInfo) -> Interval:
        returns = self.returns_of(helper)
        if not returns:
            return UNKNOWN
        result = None
        for value, env in returns:
            value_range = self.range(value, env, helper, 0)
            result = value_range if result is None else result.join(value_range)
        return result

    def _summary(self, key: tuple, compute):
        """A per-function fact, kept once known; a summary asked for while it is being computed
        (recursion) is unknown there, and what was computed from that is not kept."""
        if key in self._summaries:
            return self._summaries[key]
        if key in self._summarizing:
            self._summary_cuts += 1
            return None if key[0] in ("passed", "passes") else UNKNOWN
        self._summarizing.add(key)
        cuts = self._summary_cuts
        try:
            result = compute()
        finally:
            self._summarizing.discard(key)
        if self._summary_cuts == cuts:
            self._summaries[key] = result
        return result

    def returns_of(self, helper: FunctionInfo) -> list[tuple[cst.BaseExpression, Env]]:
        if helper not in self._returns:
            self._returns[helper] = [(r.value, self.env_before(helper, statement))
                                     for r, statement in _returns(helper.node.body) if r.value is not None]
        return self._returns[helper]

    # -- guards -------------------------------------------------------------------------------
    def has_eps_guard(self, node: cst.BaseExpression, env: Env, function, depth: int = 0) -> bool:
        """``x + eps`` (through names): the author added a positive constant to keep it away from 0."""
        if depth > MAX_DEPTH:
            return False
        if isinstance(node, cst.Name) and node.value in env:
            bindings = env[node.value]
            return all(b is not OUTER and self.has_eps_guard(b.value, b.env, function, depth + 1) for b in bindings)
        sides = _sum_or_product_operands(node, self.imports)
        if sides is not None and sides[0] == "multiply":
            # (a + eps) * (b + eps): a product of guarded factors is guarded.
            return all(self.has_eps_guard(side, env, function, depth + 1) for side in sides[1])
        if sides is not None and sides[0] == "add":
            for side in sides[1]:
                side_range = self.range(side, env, function, depth + 1)
                if side_range.is_positive and side_range.bounded:
                    return True
                # A constant kept on the object (SSIM's C1 = (K1 * L) ** 2): a stabilizer by design.
                if (dotted_name(side) or "").startswith("self.") and side_range != UNKNOWN \
                        and side_range.is_nonnegative:
                    return True
                if self.has_eps_guard(side, env, function, depth + 1):
                    return True
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Divide):
            # (x + eps) / sum(x + eps): guarded values over a positive or guarded divisor.
            return self.has_eps_guard(node.left, env, function, depth + 1) and (
                self.range(node.right, env, function, depth + 1).is_positive
                or self.has_eps_guard(node.right, env, function, depth + 1))
        if isinstance(node, cst.Call):
            meaning = self.imports.meaning(node)
            if meaning is None and isinstance(node.func, cst.Attribute) and node.func.attr.value in VALUE_KEEPING_METHODS:
                return self.has_eps_guard(node.func.value, env, function, depth + 1)
            if meaning is not None and meaning.op.name in ("sum", "mean"):  # of guarded values: guarded
                operand = meaning.receiver or next((a.value for a in node.args if a.keyword is None), None)
                return operand is not None and self.has_eps_guard(operand, env, function, depth + 1)
        return False


def argument_for(call: cst.Call, name: str, position: int) -> cst.BaseExpression | None:
    """What ``call`` passes for the parameter ``name``, ``position``-th after self: by keyword, else
    by position (not counting unpacked arguments); None where it passes nothing."""
    keywords = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
    positional = [a.value for a in call.args if a.keyword is None and not a.star]
    return keywords.get(name) or (positional[position] if position < len(positional) else None)


def call_sites(index: ModuleIndex) -> dict[str, list]:
    """``name`` / ``self.name`` -> the calls of it in this module, with the calling function."""
    from losslint.core.walk import iter_nodes

    out: dict[str, list] = {}
    for function in index.functions:
        for node in iter_nodes(function.node.body, skip_functions=True):
            if isinstance(node, cst.Call):
                name = dotted_name(node.func)
                if name is not None:
                    out.setdefault(name, []).append((node, function))
    return out


def _returns(body: cst.CSTNode) -> list[tuple[cst.Return, cst.CSTNode | None]]:
    """The return statements of a function body (not of nested defs), with their statement lines."""
    found = []
    stack: list[tuple[cst.CSTNode, cst.CSTNode | None]] = [(body, None)]
    while stack:
        node, line = stack.pop()
        if isinstance(node, cst.Return):
            found.append((node, line))
            continue
        if isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            continue
        if isinstance(node, cst.SimpleStatementLine):
            line = node
        stack.extend((child, line) for child in children(node))
    return found


_AUG_TO_BINARY = {
    cst.AddAssign: cst.Add, cst.SubtractAssign: cst.Subtract, cst.MultiplyAssign: cst.Multiply,
    cst.DivideAssign: cst.Divide, cst.PowerAssign: cst.Power,
}


def _sum_or_product_operands(node: cst.BaseExpression, imports: ImportTable):
    """("add" | "multiply", operands) for ``a + b``, ``a * b``, ``torch.add(a, b)``, ``tf.multiply(a, b)``."""
    if isinstance(node, cst.BinaryOperation):
        if isinstance(node.operator, cst.Add):
            return "add", (node.left, node.right)
        if isinstance(node.operator, cst.Multiply):
            return "multiply", (node.left, node.right)
        return None
    if isinstance(node, cst.Call):
        meaning = imports.meaning(node)
        if meaning is not None and meaning.op.name in ("add", "multiply"):
            operands = [a.value for a in node.args if a.keyword is None]
            if meaning.receiver is not None:
                operands = [meaning.receiver, *operands]
            if len(operands) == 2 and len(node.args) == len(operands) - (meaning.receiver is not None):
                return meaning.op.name, tuple(operands)
    return None


def _join(a: Env, b: Env) -> Env:
    if a is b:
        return a
    out = dict(a)
    for name in set(a) | set(b):
        if name in FACT_KEYS:  # what both branches prove
            out[name] = tuple(f for f in a.get(name, ()) if any(f is g for g in b.get(name, ())))
            continue
        left = a.get(name, (OUTER,))
        right = b.get(name, (OUTER,))
        out[name] = left if left is right else tuple(dict.fromkeys(left + right))
    return out


def _aligned(elements, count: int) -> list[cst.Element] | None:
    """The items of a tuple literal, one per name of a target of ``count`` names: a starred item
    (``b, h, n, d, device = *q.shape, q.device``) stands for as many elements of it as it must."""
    starred = [i for i, e in enumerate(elements) if isinstance(e, cst.StarredElement)]
    if not starred:
        return list(elements)
    if len(starred) > 1 or count < len(elements) - 1:
        return None
    i = starred[0]
    spread = [cst.Element(element_of(elements[i].value))] * (count - len(elements) + 1)
    return [*elements[:i], *spread, *elements[i + 1:]]


def _packed_element(node: cst.BaseExpression) -> list[cst.BaseExpression] | None:
    """For ``f((a, b, c), *rest)[i]``, the expressions the i-th result is made from: the i-th of
    the tuple handed in (what a gathering or device-moving helper gives back in its place) and the
    other arguments; None for any other expression."""
    if not (isinstance(node, cst.Subscript) and isinstance(node.value, cst.Call) and len(node.slice) == 1
            and isinstance(node.slice[0].slice, cst.Index) and isinstance(node.slice[0].slice.value, cst.Integer)):
        return None
    call, position = node.value, int(node.slice[0].slice.value.value)
    if not call.args or call.args[0].keyword is not None or call.args[0].star \
            or not isinstance(call.args[0].value, (cst.Tuple, cst.List)):
        return None
    elements = call.args[0].value.elements
    if position >= len(elements) or any(isinstance(e, cst.StarredElement) for e in elements):
        return None
    return [elements[position].value, call.func, *(a.value for a in call.args[1:])]


def _mapped_items(value: cst.BaseExpression) -> list[cst.Element] | None:
    """``[f(t) for t in (a, b)]``: the items ``f(a)``, ``f(b)``, one per element of the literal it
    goes through (``pred, target = [t.float() for t in (pred, target)]`` binds each name to its own)."""
    if not isinstance(value, (cst.ListComp, cst.GeneratorExp)) or value.for_in.inner_for_in is not None \
            or value.for_in.ifs or not isinstance(value.for_in.target, cst.Name) \
            or not isinstance(value.for_in.iter, (cst.List, cst.Tuple)) \
            or any(isinstance(e, cst.StarredElement) for e in value.for_in.iter.elements):
        return None
    name = value.for_in.target.value
    return [cst.Element(value.elt.visit(_Substitute(name, e.value))) for e in value.for_in.iter.elements]


class _Substitute(cst.CSTTransformer):
    """Every read of ``name`` replaced by ``value`` (attribute and keyword names are not reads)."""

    def __init__(self, name: str, value: cst.BaseExpression) -> None:
        self.name, self.value = name, value

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        return self.value if original.value == self.name else updated

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.Attribute:
        return updated.with_changes(attr=original.attr)

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg) -> cst.Arg:
        return updated.with_changes(keyword=original.keyword)


EACH = "__each__"  # the index of "an element of": ``xs[__each__]`` is what ``for x in xs`` binds


def element_of(iterable: cst.BaseExpression) -> cst.Subscript:
    return cst.Subscript(iterable, [cst.SubscriptElement(cst.Index(cst.Name(EACH)))])


def is_element_of(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Subscript) and len(node.slice) == 1 \
        and isinstance(node.slice[0].slice, cst.Index) and isinstance(node.slice[0].slice.value, cst.Name) \
        and node.slice[0].slice.value.value == EACH


def _loop_elements(target: cst.BaseExpression, iterable: cst.BaseExpression) -> list[tuple[str, cst.BaseExpression]]:
    """What a for loop binds each name of its target to, as an expression over the iterable: an
    element of it (a row of a tensor, an item of a list), through ``zip`` and ``enumerate``; a
    position (of ``range`` or ``enumerate``) is a count, an int >= 0."""
    name = target.value if isinstance(target, cst.Name) else None
    call = dotted_name(iterable.func) if isinstance(iterable, cst.Call) else None
    positional = [a.value for a in iterable.args if a.keyword is None and not a.star] \
        if isinstance(iterable, cst.Call) else []
    if call in ("reversed", "sorted") and len(positional) == 1:
        return _loop_elements(target, positional[0])  # the same elements, in another order
    if call == "range":
        return [(name, cst.Call(cst.Name("len"), [cst.Arg(cst.Name(EACH))]))] if name else []
    if name is not None:
        return [] if call in ("zip", "enumerate") else [(name, element_of(iterable))]
    if not isinstance(target, (cst.Tuple, cst.List)) or any(isinstance(e, cst.StarredElement) for e in target.elements):
        return []
    items = [e.value for e in target.elements]
    if call == "zip" and len(positional) == len(items) and not any(a.keyword for a in iterable.args):
        sources = list(zip(items, positional))
    elif call == "enumerate" and len(positional) == 1 and len(items) == 2:
        sources = [(items[1], positional[0])]
        if isinstance(items[0], cst.Name):
            sources.append((items[0], cst.Call(cst.Name("range"), [])))
    else:
        return []
    found = []
    for item, source in sources:  # for i, (x, y) in enumerate(zip(xs, ys)): each name by its source
        found.extend(_loop_elements(item, source))
    return found


def _target_names(target: cst.BaseExpression) -> list[str]:
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for element in target.elements for n in _target_names(element.value)]
    name = dotted_name(target)
    return [name] if name else []


def _numeric_literal(node: cst.BaseExpression, depth: int = 0) -> bool:
    """A number written out: a literal, or arithmetic of literals (``1 / 13``, ``2 ** -3``)."""
    if isinstance(node, (cst.Integer, cst.Float)):
        return True
    if depth > 8:
        return False
    if isinstance(node, cst.UnaryOperation):
        return _numeric_literal(node.expression, depth + 1)
    if isinstance(node, cst.BinaryOperation):
        return _numeric_literal(node.left, depth + 1) and _numeric_literal(node.right, depth + 1)
    return False


def _unparenthesized(node: cst.BaseExpression) -> cst.BaseExpression:
    """An arithmetic expression without its parentheses (others keep theirs: ``()`` needs them)."""
    return node.with_changes(lpar=(), rpar=()) if isinstance(node, cst.BinaryOperation) and node.lpar else node


def _complement_weighted(node: cst.BaseExpression, weight: cst.BaseExpression) -> cst.BaseExpression | None:
    """``y`` when ``node`` is ``y * (1 - weight)`` or ``(1 - weight) * y``; ``1`` for ``1 - weight``."""
    weight = _unparenthesized(weight)

    def is_complement(n: cst.BaseExpression) -> bool:
        n = _unparenthesized(n)
        return isinstance(n, cst.BinaryOperation) and isinstance(n.operator, cst.Subtract) \
            and isinstance(n.left, (cst.Integer, cst.Float)) and n.left.evaluated_value == 1 \
            and _unparenthesized(n.right).deep_equals(weight)
    if is_complement(node):
        return cst.Integer("1")
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Multiply):
        if is_complement(node.right):
            return node.left
        if is_complement(node.left):
            return node.right
    return None


def _same_expression(a: cst.BaseExpression, b: cst.BaseExpression) -> bool:
    return a.deep_equals(b)


def _class_attribute(cls: cst.ClassDef, name: str) -> cst.BaseExpression | None:
    for statement in cls.body.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign) and any(
                        isinstance(t.target, cst.Name) and t.target.value == name for t in small.targets):
                    return small.value
    return None


def _declared_class(function: FunctionInfo, name: str) -> str | None:
    """The class a parameter is declared to be, by its annotation (``other: Normal``,
    ``other: "Normal"``) or by an ``assert isinstance(other, Normal)`` among the function's first
    statements; None if neither says."""
    if isinstance(function.node, cst.Lambda):
        return None
    param = function.parameter(name)
    if param is None:
        return None
    if param.annotation is not None:
        annotation = param.annotation.annotation
        if isinstance(annotation, cst.SimpleString):
            return annotation.evaluated_value
        return dotted_name(annotation)
    body = function.node.body
    for statement in body.body[:6] if isinstance(body, cst.IndentedBlock) else ():
        small = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) else None
        test = small.test if isinstance(small, cst.Assert) else None
        if isinstance(test, cst.Call) and dotted_name(test.func) == "isinstance" and len(test.args) == 2 \
                and isinstance(test.args[0].value, cst.Name) and test.args[0].value.value == name:
            return dotted_name(test.args[1].value)
    return None


def _statement_of(function: FunctionInfo) -> cst.CSTNode | None:
    """The statement that defines ``function`` in its parent (for closures)."""
    return function.node if isinstance(function.node, cst.FunctionDef) else None
