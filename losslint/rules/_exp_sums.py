"""Shared by LL215 and LL217: sums of exponentials, and the max-shifted form written by hand."""

from __future__ import annotations

from typing import NamedTuple

import libcst as cst

from losslint.core.facts import FileFacts
from losslint.core.names import dotted_name

AXIS_KEYWORDS = ("dim", "axis")
KEEPDIM_KEYWORDS = ("keepdim", "keepdims")


class ExpOf(NamedTuple):
    call: cst.Call
    argument: cst.BaseExpression
    movable: bool  # the argument means the same where the exp's value is used (a fix may move it)
    env: dict  # the bindings the exp ran under (after ``x = exp(x)``, its argument is the earlier x)


def exp_of(node: cst.BaseExpression, facts: FileFacts) -> ExpOf | None:
    """The ``exp(x)`` call ``node`` is (directly or through a local name), with its argument."""
    found = facts.producer(node, "exp")
    env = facts.producer_env(node, "exp")
    if found is None or env is None:
        return None
    operands = facts.operands(found[0])
    return ExpOf(found[0], operands[0], found[1], env) if len(operands) == 1 else None


def sum_parts(node: cst.BaseExpression, facts: FileFacts):
    """``(summed value, axis arg or None, keepdim arg or None)`` for ``sum(v, axis, keepdim)`` forms."""
    found = facts.producer(node, "sum")
    if found is None or not found[1]:
        return None
    call = found[0]
    meaning = facts.meaning(call)
    positional = [a for a in call.args if a.keyword is None]
    keywords = {a.keyword.value: a for a in call.args if a.keyword is not None}
    if meaning.receiver is not None:
        value, rest = meaning.receiver, positional
    elif positional:
        value, rest = positional[0].value, positional[1:]
    else:
        return None
    if set(keywords) - set(AXIS_KEYWORDS) - set(KEEPDIM_KEYWORDS) or len(rest) > 2:
        return None  # dtype=, out=, ... : not carried over
    axis = next((keywords[k] for k in AXIS_KEYWORDS if k in keywords), rest[0] if rest else None)
    keep = next((keywords[k] for k in KEEPDIM_KEYWORDS if k in keywords), rest[1] if len(rest) > 1 else None)
    return value, axis, keep, call


def max_shifted(x: cst.BaseExpression, facts: FileFacts, env: dict | None = None) -> bool:
    """``x - max(x)``, also scaled (``(x - max) / temperature``): the stable form written by hand,
    also a statement earlier (``z = x - x.max(); log(exp(z).sum())``). ``env``: the bindings ``x``
    is read under (the present ones by default)."""
    env = facts.env() if env is None else env
    if isinstance(x, cst.Name) and len(env.get(x.value, ())) == 1 and env[x.value][0] != "outer":
        x = env[x.value][0].value
    while isinstance(x, cst.BinaryOperation) and isinstance(x.operator, (cst.Divide, cst.Multiply)):
        x = x.left
    if not (isinstance(x, cst.BinaryOperation) and isinstance(x.operator, cst.Subtract)):
        return False
    shift = x.right
    if isinstance(shift, cst.Name) and len(env.get(shift.value, ())) == 1 and env[shift.value][0] != "outer":
        shift = env[shift.value][0].value
    while isinstance(shift, cst.Attribute) and shift.attr.value == "values":  # torch.max(x, dim=1).values
        shift = shift.value
    while isinstance(shift, (cst.Subscript, cst.Call)) and isinstance(
            getattr(shift, "value", None) or getattr(shift, "func", None), (cst.Call, cst.Attribute, cst.Name)):
        if isinstance(shift, cst.Subscript):  # torch.max(x, dim=1)[0]
            shift = shift.value
            continue
        name = dotted_name(shift.func) or ""
        if name.split(".")[-1] in ("max", "amax", "reduce_max", "detach", "stop_gradient"):
            return True
        if isinstance(shift.func, cst.Attribute) and shift.func.attr.value in ("detach", "max", "amax"):
            return True
        break
    return False


def is_true(arg: cst.Arg | None) -> bool:
    return arg is not None and isinstance(arg.value, cst.Name) and arg.value.value == "True"
