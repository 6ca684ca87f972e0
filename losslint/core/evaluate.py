"""Numeric evaluation of a scalar expression, for questions such as "do the two branches of a
``where`` meet at the threshold?". Unknown names get fixed sample values; anything the evaluator
does not know raises ``CannotEvaluate`` and the caller stays silent."""

from __future__ import annotations

import math
import zlib

import libcst as cst

from losslint.core.names import dotted_name
from losslint.core.ranges import OUTER

FUNCTIONS = {
    "abs": abs, "square": lambda x: x * x, "exp": math.exp, "log": math.log, "sqrt": math.sqrt,
    "sigmoid": lambda x: 1 / (1 + math.exp(-x)), "tanh": math.tanh, "cosh": math.cosh, "sin": math.sin,
    "cos": math.cos, "relu": lambda x: max(x, 0.0), "softplus": lambda x: max(x, 0.0) + math.log1p(math.exp(-abs(x))),
    "log1p": math.log1p, "expm1": math.expm1, "mean": lambda x: x, "sum": lambda x: x,
}
KEEPING = {"float", "double", "detach", "clone", "to", "tf.cast", "keras.ops.cast", "K.cast", "tf.identity"}


class CannotEvaluate(Exception):
    pass


class Evaluator:
    def __init__(self, facts, substitutions: list[tuple[cst.BaseExpression, float]], seed: int) -> None:
        self.facts = facts
        self.substitutions = substitutions
        self.seed = seed
        self.free: set[str] = set()  # names that took a sample value
        self._evaluating: set[str] = set()  # self.x being evaluated in __init__ (no cycles)

    def sample(self, name: str) -> float:
        self.free.add(name)
        return 0.37 + (zlib.crc32(f"{name}:{self.seed}".encode()) % 1000) / 250.0  # in [0.37, 4.4)

    def value(self, node: cst.BaseExpression, env, depth: int = 0) -> float:
        if depth > 20:
            raise CannotEvaluate
        for pattern, substitute in self.substitutions:
            if node.deep_equals(pattern):
                return substitute
        deeper = depth + 1
        if isinstance(node, (cst.Integer, cst.Float)):
            return float(node.evaluated_value)
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, (cst.Minus, cst.Plus)):
            inner = self.value(node.expression, env, deeper)
            return -inner if isinstance(node.operator, cst.Minus) else inner
        if isinstance(node, cst.BinaryOperation):
            a, b = self.value(node.left, env, deeper), self.value(node.right, env, deeper)
            try:
                return {cst.Add: lambda: a + b, cst.Subtract: lambda: a - b, cst.Multiply: lambda: a * b,
                        cst.Divide: lambda: a / b, cst.Power: lambda: a ** b}[type(node.operator)]()
            except (KeyError, ZeroDivisionError, OverflowError, ValueError, TypeError):
                raise CannotEvaluate from None
        if isinstance(node, (cst.Name, cst.Attribute)):
            return self._named(node, env, deeper)
        if isinstance(node, cst.Call):
            return self._call(node, env, deeper)
        raise CannotEvaluate

    def _named(self, node, env, depth: int) -> float:
        name = dotted_name(node)
        if name is None:
            raise CannotEvaluate
        bindings = env.get(name)
        if bindings and len(bindings) == 1 and bindings[0] is not OUTER:
            return self.value(bindings[0].value, bindings[0].env, depth)
        known = self.facts.ranges.range(node, env, self.facts.function)
        if known.is_constant:  # a default argument, a module constant, self.x from __init__
            return known.lo
        function = self.facts.function
        if name.startswith("self.") and function is not None and function.cls is not None:
            # self.C = omega * (1 - log(1 + omega / eps)) in __init__: evaluate it there.
            value = function.cls.init_attributes.get(name[5:])
            init = function.cls.methods.get("__init__")
            if value is not None and init is not None and name not in self._evaluating:
                self._evaluating.add(name)
                try:
                    return self._in_init(value, init, depth)
                finally:
                    self._evaluating.discard(name)
        return self.sample(name)

    def _in_init(self, value: cst.BaseExpression, init, depth: int) -> float:
        """A value ``__init__`` computes, with its parameters at their numeric defaults."""
        substitutions = []
        for param in init.parameters():
            default = self.facts.ranges._parameter(param)
            if default.is_constant:
                substitutions.append((cst.Name(param.name.value), default.lo))
        inner = Evaluator(self.facts, self.substitutions + substitutions, self.seed)
        inner._evaluating = self._evaluating
        result = inner.value(value, self.facts.ranges.env_before(init, None), depth)
        self.free |= inner.free
        return result

    def _call(self, node: cst.Call, env, depth: int) -> float:
        meaning = self.facts.meaning(node)
        operands = self.facts.operands(node)
        if meaning is not None and meaning.op.name in FUNCTIONS and len(operands) == 1:
            try:
                return FUNCTIONS[meaning.op.name](self.value(operands[0], env, depth))
            except (ValueError, OverflowError, ZeroDivisionError):
                raise CannotEvaluate from None
        if meaning is not None and meaning.op.name in ("maximum", "minimum") and len(operands) == 2:
            a, b = (self.value(o, env, depth) for o in operands)
            return max(a, b) if meaning.op.name == "maximum" else min(a, b)
        qualified = self.facts.imports.qualify(node.func)
        method = node.func.attr.value if isinstance(node.func, cst.Attribute) else None
        tail = (qualified or "").split(".")[-1]
        if tail in ("zeros", "zeros_like"):
            return 0.0
        if tail in ("ones", "ones_like"):
            return 1.0
        if tail in ("full", "full_like") and len(node.args) >= 2:
            return self.value(node.args[1].value, env, depth)
        if qualified in KEEPING and node.args:
            return self.value(node.args[0].value, env, depth)
        if method in KEEPING and qualified is None:
            return self.value(node.func.value, env, depth)
        raise CannotEvaluate


def meet(facts, a: cst.BaseExpression, b: cst.BaseExpression, env,
         cases: list[list[tuple[cst.BaseExpression, float]]], pinned: set[str]) -> bool | None:
    """Do ``a`` and ``b`` agree under every substitution case (for two samplings of the other
    names)? None when it cannot be decided: an unknown op, or a pinned name left free."""
    for case in cases:
        for seed in (1, 2):
            evaluator = Evaluator(facts, case, seed)
            try:
                left, right = evaluator.value(a, env), evaluator.value(b, env)
            except CannotEvaluate:
                return None
            if evaluator.free & pinned:
                return None  # the branches depend on the gated value in a way the substitution missed
            # A jump below 1e-4 is an eps at work (sqrt(max(x, 1e-12)) vs 0), not a threshold.
            if not math.isclose(left, right, rel_tol=1e-6, abs_tol=1e-4):
                return False
    return True
