import re

import libcst as cst

from losslint.core.interval import Interval
from losslint.rules.base import LOSS, Rule

# Per float type: (relative half-ulp: an addend below |x| * this is lost, flush: below this a value is 0).
RESOLUTION = {"float32": (2.0 ** -24, 2.0 ** -150), "float16": (2.0 ** -11, 2.0 ** -25),
              "bfloat16": (2.0 ** -8, 2.0 ** -134), "float64": (2.0 ** -53, 2.0 ** -1075)}
FLOAT64 = re.compile(r"float64|double|\bf8\b")
EPS_BELOW = 1e-3  # a constant this small, added to something, is an eps


class SwallowedEpsilon(Rule):
    """LL207: an eps too small to survive the addition it guards (rounding, or half precision)."""

    code = "LL207"
    name = "swallowed-epsilon"
    summary = "an eps below the float resolution of what it is added to is lost"
    runs_in = LOSS
    trigger = re.compile(rb"e-|eps|EPS|epsilon")
    supersedes_enclosing = ("LL201", "LL202", "LL203")

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if isinstance(node.operator, cst.Add):
            for eps, other in ((node.left, node.right), (node.right, node.left)):
                if self._check(node, eps, other):
                    return
        elif isinstance(node.operator, cst.Subtract):
            self._check(node, node.right, node.left)

    def _check(self, node: cst.BinaryOperation, eps_node: cst.BaseExpression, other: cst.BaseExpression) -> bool:
        eps = self.facts.range(eps_node)
        if not (eps.is_constant and 0 < eps.lo < EPS_BELOW):
            return False
        precision = self.facts.precision
        if FLOAT64.search(cst.Module([]).code_for_node(other)):
            precision = "float64"  # computed in double explicitly (tf.cast(x, tf.float64) + 1e-307)
        relative, flush = RESOLUTION[precision]
        magnitude = _smallest_magnitude(self.facts.range(other))
        if magnitude > 0 and eps.lo < magnitude * relative:
            self.report(node, f"an eps of {eps.lo:g} added to a value of at least {magnitude:g} is lost to "
                              f"{precision} rounding (`1e-10 + 1` is exactly 1.0): it guards nothing; add it last, "
                              f"to the value that can reach 0 (`1 - p + eps`), or clamp")
            return True
        if magnitude == 0 and eps.lo < flush:
            why = ("this code runs under autocast or a mixed-precision policy" if precision in ("float16", "bfloat16")
                   else f"below the smallest {precision} number")
            self.report(node, f"an eps of {eps.lo:g} is 0 in {precision} ({why}): the guard is gone; use an eps "
                              f"the type can hold (at least 1e-4 in half precision, 1e-38 in float32)")
            return True
        return False


def _smallest_magnitude(value: Interval) -> float:
    """min |x| over the interval: 0 when it contains 0 (or is unknown)."""
    if value.contains(0.0) or (value.lo <= 0 <= value.hi):
        return 0.0
    return min(abs(value.lo), abs(value.hi))
