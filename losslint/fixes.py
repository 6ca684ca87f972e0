"""Building blocks for fixes: spelling a framework call with the file's own import aliases."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter

import libcst as cst

from losslint.core.facts import FileFacts
from losslint.core.walk import iter_nodes
from losslint.diagnostics import NeededImport

# How a root of a canonical spelling is imported: (module, import statement when missing).
_ROOTS = {
    "torch": ("torch", NeededImport("torch")),
    "tf": ("tensorflow", NeededImport("tensorflow", asname="tf")),
    "np": ("numpy", NeededImport("numpy", asname="np")),
    "keras": ("keras", NeededImport("keras")),
}


def spell(spelling: str, facts: FileFacts) -> tuple[cst.BaseExpression, list[NeededImport]]:
    """``tf.maximum`` as this file spells it (``tensorflow`` may be imported as ``tf`` or not at all)."""
    root, _, rest = spelling.partition(".")
    if root == "keras" and rest.startswith("ops."):
        local_ops = facts.module_alias("keras.ops")
        if local_ops:
            return cst.parse_expression(f"{local_ops}.{rest[4:]}"), []
    if root == "F":  # torch.nn.functional: its own alias, else through ``torch``, else imported as F
        local = facts.module_alias("torch.nn.functional")
        if local is not None:
            return cst.parse_expression(f"{local}.{rest}"), []
        torch_alias = facts.module_alias("torch")
        if torch_alias is not None:
            return cst.parse_expression(f"{torch_alias}.nn.functional.{rest}"), []
        if "F" not in facts.imports.bound_names and _used_unimported("F", facts):
            return cst.parse_expression(spelling), []
        return cst.parse_expression(spelling), [NeededImport("torch.nn.functional", asname="F")]
    if root == "K":
        local = facts.module_alias("keras.backend") or facts.module_alias("tensorflow.keras.backend")
        if local is None and "K" not in facts.imports.bound_names:
            local = "K"  # a snippet that uses K unimported
        return cst.parse_expression(f"{local}.{rest}"), []
    module, needed = _ROOTS[root]
    local = facts.module_alias(module)
    if local is not None:
        return cst.parse_expression(f"{local}.{rest}"), []
    if root not in facts.imports.bound_names and root in ("tf", "torch", "np", "keras") and _used_unimported(root, facts):
        return cst.parse_expression(spelling), []  # a snippet that already uses ``tf`` without importing it
    return cst.parse_expression(f"{needed.asname or module}.{rest}"), [needed]


def _used_unimported(root: str, facts: FileFacts) -> bool:
    """Does the code (not its import lines) use ``root.`` although nothing binds it?"""
    return re.search(rf"^(?!\s*(?:import|from)\b).*(?<![\w.]){root}\.", facts.source, re.MULTILINE) is not None


def call(func: cst.BaseExpression, *args: cst.BaseExpression, **kwargs: cst.BaseExpression) -> cst.Call:
    arguments = [cst.Arg(strip_parens(a)) for a in args]
    arguments += [cst.Arg(v, keyword=cst.Name(k), equal=cst.AssignEqual(
        whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))) for k, v in kwargs.items()]
    return cst.Call(func=func, args=arguments)


def strip_parens(node: cst.BaseExpression) -> cst.BaseExpression:
    """``node`` without its parentheses (a tuple keeps them: ``()`` needs them)."""
    if getattr(node, "lpar", None) and not isinstance(node, cst.Tuple):
        return node.with_changes(lpar=[], rpar=[])
    return node


ATOMS = (cst.Name, cst.Attribute, cst.Call, cst.Subscript, cst.Integer, cst.Float, cst.SimpleString)


def as_receiver(node: cst.BaseExpression) -> cst.BaseExpression:
    """``node`` ready for ``.method()``: parenthesized unless it is an atom."""
    if isinstance(node, ATOMS) or getattr(node, "lpar", None):
        return node
    return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def number(value: float) -> cst.BaseExpression:
    return cst.parse_expression(repr(value) if value >= 1e-4 else f"{value:.0e}".replace("e-0", "e-"))


def with_operand(call: cst.Call, operand: cst.BaseExpression, new: cst.BaseExpression, is_method: bool) -> cst.Call:
    """``call`` with its operand replaced: ``x.log()`` -> ``new.log()``, ``log(x)`` -> ``log(new)``."""
    if is_method:
        return call.with_changes(func=call.func.with_changes(value=as_receiver(new)))
    return call.with_changes(args=[a.with_changes(value=new) if a.value is operand else a for a in call.args])


# -- operator precedence ----------------------------------------------------------------------------
# How tightly an expression binds (Python's precedence, lowest first); what a fix builds is
# parenthesized wherever a part binds looser than its place needs.
_BINARY = {cst.BitOr: 7, cst.BitXor: 8, cst.BitAnd: 9, cst.LeftShift: 10, cst.RightShift: 10, cst.Add: 11,
           cst.Subtract: 11, cst.Multiply: 12, cst.Divide: 12, cst.FloorDivide: 12, cst.Modulo: 12,
           cst.MatrixMultiply: 12, cst.Power: 14}
_UNARY, _POWER, _AWAIT, _PRIMARY, _ATOM = 13, 14, 15, 16, 17


def precedence(node: cst.CSTNode) -> int:
    if getattr(node, "lpar", None):
        return _ATOM
    cls = type(node)
    if cls is cst.BinaryOperation:
        return _BINARY[type(node.operator)]
    if cls is cst.UnaryOperation:
        return 5 if isinstance(node.operator, cst.Not) else _UNARY
    if cls is cst.BooleanOperation:
        return 3 if isinstance(node.operator, cst.Or) else 4
    return {cst.Comparison: 6, cst.IfExp: 2, cst.Lambda: 1, cst.NamedExpr: 0, cst.Tuple: -1, cst.Yield: -2,
            cst.Await: _AWAIT, cst.Attribute: _PRIMARY, cst.Call: _PRIMARY, cst.Subscript: _PRIMARY}.get(cls, _ATOM)


# The precedence a part needs in each place (the rest take any expression but ``x := y``).
_PLACES = {(cst.UnaryOperation, "expression"): _UNARY, (cst.Comparison, "left"): 7,
           (cst.ComparisonTarget, "comparator"): 7, (cst.IfExp, "body"): 3, (cst.IfExp, "test"): 3,
           (cst.IfExp, "orelse"): 1, (cst.Lambda, "body"): 1, (cst.Attribute, "value"): _PRIMARY,
           (cst.Call, "func"): _PRIMARY, (cst.Subscript, "value"): _PRIMARY, (cst.Await, "expression"): _PRIMARY,
           (cst.Element, "value"): 0, (cst.StarredElement, "value"): 7, (cst.DictElement, "key"): 1,
           (cst.DictElement, "value"): 1, (cst.StarredDictElement, "value"): 7, (cst.Index, "value"): 0,
           (cst.Slice, "lower"): 1, (cst.Slice, "upper"): 1, (cst.Slice, "step"): 1, (cst.CompFor, "iter"): 3,
           (cst.CompIf, "test"): 3, (cst.Param, "default"): 1, (cst.WithItem, "item"): 2, (cst.Assert, "test"): 1,
           (cst.ExceptHandler, "type"): 0, (cst.ExceptStarHandler, "type"): 0, (cst.ListComp, "elt"): 0,
           (cst.SetComp, "elt"): 0, (cst.GeneratorExp, "elt"): 0, (cst.DictComp, "key"): 1, (cst.DictComp, "value"): 1}
# Where ``x := y`` may stand without parentheses.
_WALRUS_PLACES = {(cst.Element, "value"), (cst.Index, "value"), (cst.FormattedStringExpression, "expression"),
                  (cst.ListComp, "elt"), (cst.SetComp, "elt"), (cst.GeneratorExp, "elt")}


def _needed(parent: cst.CSTNode, field: str, child: cst.CSTNode) -> int | None:
    """The precedence ``child`` needs as ``parent.field``; None where any expression fits."""
    cls = type(parent)
    if cls is cst.BinaryOperation:
        own = _BINARY[type(parent.operator)]
        if own == _POWER:  # right-associative, and binds tighter than a unary minus on its left
            return _AWAIT if field == "left" else _UNARY
        return own if field == "left" else own + 1
    if cls is cst.BooleanOperation:
        own = 3 if isinstance(parent.operator, cst.Or) else 4
        return own if field == "left" else own + 1
    if cls is cst.UnaryOperation and isinstance(parent.operator, cst.Not):
        return 5
    if cls is cst.Arg and field == "value":
        return 0 if parent.keyword is None else 1
    if cls is cst.Attribute and field == "value" and isinstance(child, cst.Integer) and not child.lpar \
            and not parent.dot.whitespace_before.value:
        return _ATOM + 1  # ``1.clamp`` reads as a float: ``(1).clamp``
    return _PLACES.get((cls, field))


def _walrus_fits(parent: cst.CSTNode, field: str) -> bool:
    if type(parent) is cst.Arg:
        return field == "value" and parent.keyword is None and not parent.star
    return (type(parent), field) in _WALRUS_PLACES


def _with_parens(node: cst.BaseExpression) -> cst.BaseExpression:
    return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def fits(node: cst.BaseExpression, parent: cst.CSTNode | None, field: str | None) -> bool:
    """Does ``node`` mean itself as ``parent.field``, without parentheses of its own?"""
    if parent is None:
        return True
    if isinstance(node, cst.NamedExpr) and not node.lpar:
        return _walrus_fits(parent, field)
    needed = _needed(parent, field, node)
    return needed is None or precedence(node) >= needed


def parenthesized(node: cst.CSTNode, parent: cst.CSTNode | None = None, field: str | None = None) -> cst.CSTNode:
    """``node`` with parentheses added wherever a part of it binds looser than its place needs
    (and around ``node`` itself where it is to stand in ``parent.field``)."""
    changes = {}
    for item in dataclasses.fields(node):
        value = getattr(node, item.name)
        if isinstance(value, cst.CSTNode):
            new = parenthesized(value, node, item.name)
            if new is not value:
                changes[item.name] = new
        elif isinstance(value, (list, tuple)) and any(isinstance(v, cst.CSTNode) for v in value):
            new_items = [parenthesized(v, node, item.name) if isinstance(v, cst.CSTNode) else v for v in value]
            if any(a is not b for a, b in zip(new_items, value)):
                changes[item.name] = type(value)(new_items)
    if changes:
        node = node.with_changes(**changes)
    if isinstance(node, cst.Tuple) and not node.lpar:  # ``a, y := b`` is not a tuple: ``a, (y := b)``
        node = node.with_changes(elements=[
            e.with_changes(value=_with_parens(e.value)) if isinstance(e.value, cst.NamedExpr) and not e.value.lpar
            else e for e in node.elements])
    if isinstance(node, cst.BaseExpression) and not fits(node, parent, field):
        node = _with_parens(node)
    return node


class Parents:
    """Where each node stands (its parent and the field that holds it), indexed once per
    statement that needs it."""

    def __init__(self) -> None:
        self.index: dict[int, tuple[cst.CSTNode, str]] = {}
        self.indexed: set[int] = set()

    def of(self, node: cst.CSTNode, within: cst.CSTNode) -> tuple[cst.CSTNode | None, str | None]:
        if id(within) not in self.indexed:
            self.indexed.add(id(within))
            stack = [within]
            while stack:
                current = stack.pop()
                for item in dataclasses.fields(current):
                    value = getattr(current, item.name)
                    if isinstance(value, cst.CSTNode):
                        self.index[id(value)] = (current, item.name)
                        stack.append(value)
                    elif isinstance(value, (list, tuple)):
                        for child in value:
                            if isinstance(child, cst.CSTNode):
                                self.index[id(child)] = (current, item.name)
                                stack.append(child)
        return self.index.get(id(node), (None, None))


# -- comments --------------------------------------------------------------------------------------
def comments(node: cst.CSTNode) -> Counter:
    """The comments inside ``node`` (in its whitespace)."""
    found: Counter = Counter()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Comment):
            found[current.value] += 1
        stack.extend(current.children)
    return found


# -- raising an existing floor instead of clamping twice --------------------------------------------
_CLAMP_OPS = {"clamp", "clamp_min", "maximum"}
_LOWER_KEYWORDS = {"min", "clip_value_min", "x_min", "a_min"}
_UPPER_KEYWORDS = {"max", "clip_value_max", "x_max", "a_max"}


def is_literal_number(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, (cst.Minus, cst.Plus)):
        node = node.expression
    return isinstance(node, (cst.Integer, cst.Float))


def clamp_bounds(node: cst.BaseExpression, facts: FileFacts) -> tuple[cst.Arg | None, cst.Arg | None] | None:
    """For a clamp, clip or maximum call: the arguments holding its lower and upper bound
    (``maximum(x, 0.0)``: the number is the floor). None for any other expression, or a maximum
    whose floor is not told apart from its value."""
    if not isinstance(node, cst.Call):
        return None
    meaning = facts.meaning(node)
    if meaning is None or meaning.op.name not in _CLAMP_OPS:
        return None
    positional = [a for a in node.args if a.keyword is None and not a.star]
    keywords = {a.keyword.value: a for a in node.args if a.keyword is not None}
    if meaning.op.name == "maximum":
        numbers = [a for a in positional if is_literal_number(a.value)]
        return (numbers[0], None) if len(positional) + (meaning.receiver is not None) == 2 and len(numbers) == 1 \
            else None
    bounds = positional if meaning.receiver is not None else positional[1:]
    lower = next((a for k, a in keywords.items() if k in _LOWER_KEYWORDS), bounds[0] if bounds else None)
    upper = next((a for k, a in keywords.items() if k in _UPPER_KEYWORDS),
                 bounds[1] if len(bounds) > 1 and meaning.op.name == "clamp" else None)
    return lower, upper


def with_bound(call: cst.Call, bound: cst.Arg | None, value: cst.BaseExpression, keyword: str = "min") -> cst.Call:
    """``call`` with the argument ``bound`` set to ``value`` (added as ``keyword=`` when None)."""
    if bound is None:
        new = cst.Arg(value, keyword=cst.Name(keyword), equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))
        args = list(call.args)
        if args:
            args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        return call.with_changes(args=[*args, new])
    return call.with_changes(args=[a.with_changes(value=value) if a is bound else a for a in call.args])


def raised_floor(floor: cst.BaseExpression, eps: cst.BaseExpression, facts: FileFacts) -> cst.BaseExpression | None:
    """The floor a clamp needs instead of ``floor``: eps for a number, ``max(floor, eps)`` for a
    floor the code computes (its value may be above eps); None when ``max`` is not the builtin."""
    if is_literal_number(floor):
        return eps
    if "max" in facts.imports.bound_names:
        return None
    return cst.Call(cst.Name("max"), [cst.Arg(floor, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                                      cst.Arg(eps)])


# -- tensors, not numbers -------------------------------------------------------------------------
_TENSOR_FRAMEWORKS = {"torch", "tensor", "tf", "keras"}


def made_by_framework(node: cst.BaseExpression, facts: FileFacts) -> bool:
    """Is ``node`` computed by a framework op (a tensor for sure), directly or through local names?
    A tensor method such as ``.clamp`` written on anything else may meet a Python number."""
    stack, seen = [(node, facts.env())], 0
    while stack and seen < 200:
        current, env = stack.pop()
        seen += 1
        for part in (current, *iter_nodes(current)):
            if isinstance(part, cst.Call):
                meaning = facts.meaning(part)
                if meaning is not None and meaning.framework in _TENSOR_FRAMEWORKS:
                    return True
            elif isinstance(part, cst.Name):
                stack.extend((b.value, b.env) for b in env.get(part.value, ()) if hasattr(b, "value"))
    return False
