"""Small syntactic shapes the rules share: literal numbers, ``1 + x``, ``1 - x``."""

from __future__ import annotations

import libcst as cst


def is_number(node: cst.BaseExpression, value: float) -> bool:
    """A bare numeric literal equal to ``value`` (``1``, ``1.0``)."""
    return isinstance(node, (cst.Integer, cst.Float)) and not node.lpar and node.evaluated_value == value


def one_plus(node: cst.BaseExpression) -> cst.BaseExpression | None:
    """``x`` when ``node`` is ``1 + x`` or ``x + 1``."""
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        if is_number(node.left, 1):
            return node.right
        if is_number(node.right, 1):
            return node.left
    return None


def one_minus(node: cst.BaseExpression) -> cst.BaseExpression | None:
    """``x`` when ``node`` is ``1 - x``."""
    if (isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Subtract)
            and is_number(node.left, 1)):
        return node.right
    return None


def sum_terms(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The operands of an unparenthesized chain of ``+``/``-`` (iteratively: sums can be long)."""
    terms: list[cst.BaseExpression] = []
    while isinstance(node, cst.BinaryOperation) and isinstance(node.operator, (cst.Add, cst.Subtract)) \
            and not node.lpar:
        terms.append(node.right)
        node = node.left
    terms.append(node)
    return terms[::-1]
