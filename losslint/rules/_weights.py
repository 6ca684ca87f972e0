"""Shared by LL301 and LL302: the weighted terms of a summed loss."""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst

from losslint.core.facts import FileFacts
from losslint.fixes import strip_parens
from losslint.core.names import dotted_name
from losslint.rules.base import Rule

LOSS_TERM_NAME = re.compile(r"loss|criterion|(^|_)(term|reg|regularization|penalty|kl|kld|ce|mse|mae|l1|l2|dice|"
                            r"bce|nll|entropy|divergence)(_|$|\d)", re.IGNORECASE)
REDUCTIONS = frozenset({"mean", "sum", "norm"})


@dataclass(frozen=True)
class Term:
    node: cst.BaseExpression  # the whole weighted term
    weight: float  # its constant coefficient (1 when none is written)
    explicit: bool  # the coefficient is written out
    named: bool = False  # written where a name was bound (``loss_kl = 1e-8 * kl``), read through it


def sum_operands(node: cst.BaseExpression) -> list[tuple[cst.BaseExpression, float]]:
    """The operands of a chain of ``+``/``-`` with their signs."""
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, (cst.Add, cst.Subtract)) and not node.lpar:
        sign = -1.0 if isinstance(node.operator, cst.Subtract) else 1.0
        return sum_operands(node.left) + [(node.right, sign)]
    return [(node, 1.0)]


def product_factors(node: cst.BaseExpression) -> list[tuple[cst.BaseExpression, int]]:
    """``a * b / c`` -> [(a, 1), (b, 1), (c, -1)] (iteratively; parentheses and signs looked through)."""
    factors: list[tuple[cst.BaseExpression, int]] = []
    stack = [(strip_parens(node), 1)]
    while stack:
        current, power = stack.pop()
        if isinstance(current, cst.UnaryOperation) and isinstance(current.operator, cst.Minus):
            stack.append((strip_parens(current.expression), power))
        elif isinstance(current, cst.BinaryOperation) and isinstance(current.operator, (cst.Multiply, cst.Divide)):
            stack.append((strip_parens(current.left), power))
            stack.append((strip_parens(current.right), -power if isinstance(current.operator, cst.Divide) else power))
        else:
            factors.append((current, power))
    return factors[::-1]


def term(node: cst.BaseExpression, facts: FileFacts, depth: int = 0) -> Term | None:
    """A weighted loss term, or None for a constant (an eps) or something that is not a loss. The
    weight is the product of the term's constant factors (``1e7 * self.w * kd_loss`` -> 1e7);
    a name bound to a weighted term (``loss_kl = 1e-8 * kl``) is read through."""
    factors = product_factors(node)
    weight, explicit, values = 1.0, False, []
    for factor, power in factors:
        value = facts.range(factor)
        if value.is_constant and value.lo != 0:  # a constant is a weight, never the loss itself
            weight *= value.lo ** power
            explicit = True
        else:
            values.append((factor, power))
    if len(values) == 1 and values[0][1] == 1 and not explicit and isinstance(values[0][0], cst.Name) and depth < 3:
        env = facts.env()
        bindings = env.get(values[0][0].value, ())
        if len(bindings) == 1 and bindings[0] != "outer" and isinstance(bindings[0].value, cst.BinaryOperation):
            inner = term(bindings[0].value, facts, depth + 1)
            if inner is not None and inner.explicit:
                return Term(node, inner.weight, True, named=True)
    if not values or not any(power == 1 and not facts.range(v).is_constant and _is_loss_value(v, facts)
                             for v, power in values):
        return None
    return Term(node, abs(weight), explicit)


def _is_loss_value(node: cst.BaseExpression, facts: FileFacts, depth: int = 0) -> bool:
    """A term of a summed loss is a scalar: named as a loss, a reduction, or a loss call (also
    through a local name). An elementwise tensor (``logits - 1e9 * mask``) is not."""
    name = dotted_name(node.func if isinstance(node, cst.Call) else node) or ""
    if LOSS_TERM_NAME.search(name.split(".")[-1]):
        return True
    if isinstance(node, cst.Call):
        return facts.op_name(node) in REDUCTIONS
    env = facts.env()
    if isinstance(node, cst.Name) and depth < 3 and len(env.get(node.value, ())) == 1 \
            and env[node.value][0] != "outer":
        return _is_loss_value(env[node.value][0].value, facts, depth + 1)
    return False


def terms_of(node: cst.BaseExpression, facts: FileFacts) -> list[Term] | None:
    """The weighted terms of a sum of at least two loss terms, one of them with a written weight."""
    terms = [t for t in (term(operand, facts) for operand, _ in sum_operands(node)) if t is not None]
    if len(terms) < 2 or not any(t.explicit for t in terms) or any(t.weight == 0 for t in terms):
        return None
    return terms


def is_sum_root(node: cst.BinaryOperation) -> bool:
    return isinstance(node.operator, (cst.Add, cst.Subtract))


def accumulated_terms(function, facts: FileFacts) -> dict[str, list[tuple[cst.CSTNode, Term]]]:
    """``loss = a * x; loss += b * y``: per accumulator name, the statements and their terms."""
    found: dict[str, list[tuple[cst.CSTNode, Term]]] = {}
    accumulated: set[str] = set()
    for assignment in function.assignments:
        for small in assignment.statement.body:
            if isinstance(small, cst.AugAssign) and isinstance(small.operator, cst.AddAssign) \
                    and isinstance(small.target, cst.Name):
                name = small.target.value
                accumulated.add(name)
            elif isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
                name = small.targets[0].target.value
                found.pop(name, None)  # a fresh start: only what is accumulated after it counts
            else:
                continue
            t = term(small.value, facts)
            if t is not None:
                found.setdefault(name, []).append((small, t))
    return {name: items for name, items in found.items() if name in accumulated and len(items) >= 2}


def _chain_nodes(node: cst.BaseExpression):
    """The ``+``/``-`` nodes of one unparenthesized sum, from the outermost in."""
    while isinstance(node, cst.BinaryOperation) and isinstance(node.operator, (cst.Add, cst.Subtract)) \
            and not node.lpar:
        yield node
        node = node.left


class WeightedSumRule(Rule):
    """Reads each summed loss once, at its outermost ``+``/``-``, and the terms a loss function
    accumulates into one name (``loss += w * term``); subclasses judge the weights."""

    def __init__(self, facts, reports) -> None:
        super().__init__(facts, reports)
        self._inner: set[int] = set()  # sums already read as part of an enclosing sum

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if not is_sum_root(node) or id(node) in self._inner:
            return
        self._inner |= {id(n) for n in _chain_nodes(node)}
        terms = terms_of(node, self.facts)
        if terms:
            self.check_sum(node, terms)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        info = self.facts.index.function_of.get(node)
        if info is None or info not in self.facts.scopes.functions:
            return
        for name, items in accumulated_terms(info, self.facts).items():
            self.check_accumulated(name, items)

    def check_sum(self, node: cst.BinaryOperation, terms: list[Term]) -> None:
        raise NotImplementedError

    def check_accumulated(self, name: str, items: list[tuple[cst.CSTNode, Term]]) -> None:
        raise NotImplementedError
