"""Building blocks for fixes: spelling a framework call with the file's own import aliases."""

from __future__ import annotations

import re

import libcst as cst

from losslint.core.facts import FileFacts
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
