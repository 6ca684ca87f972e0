import re

import libcst as cst

from losslint import fixes
from losslint.core.interval import INF, Interval
from losslint.core.ranges import condition_region
from losslint.core.walk import iter_nodes
from losslint.diagnostics import Applicability, Fix
from losslint.rules.base import LOSS, Rule

# Ops whose argument must stay in a domain, and a value that is safely inside it.
DOMAINS = {"log": ("positive", 1.0), "log2": ("positive", 1.0), "log10": ("positive", 1.0),
           "sqrt": ("positive", 1.0), "rsqrt": ("positive", 1.0), "acos": ("open_unit", 0.0),
           "asin": ("open_unit", 0.0), "atanh": ("open_unit", 0.0)}


class WhereNanGradient(Rule):
    """LL102: a where() that hides an invalid op in its forward pass but not in its gradient."""

    code = "LL102"
    name = "where-nan-gradient"
    summary = "a where() guards the value but not the gradient of an invalid op"
    runs_in = LOSS
    fix_applicability = Applicability.SAFE
    trigger = re.compile(rb"where|switch")
    supersedes = ("LL201", "LL202", "LL203", "LL205")

    def visit_Call(self, call: cst.Call) -> None:
        meaning = self.facts.meaning(call)
        if meaning is None or meaning.op.name != "where":
            return
        args = [a.value for a in call.args if a.keyword is None]
        if len(args) != 3:
            return
        condition = self._comparison(args[0])
        if condition is None:
            return
        for branch_index, taken in ((1, True), (2, False)):
            branch = args[branch_index]
            found = self._guarded_op(branch, condition, taken)
            if found is None:
                continue
            op_call, operand, op_name, earlier = found
            if not self.facts.hazard_applies(op_call, gradient_only=True):
                continue  # the masked branch's gradient is never asked for
            self.report(call, f"this `where` keeps the forward value finite, but `{op_name}` is still evaluated "
                              f"where the condition excludes it, and its gradient there (inf) times the zero "
                              f"`where` passes back is NaN; also guard the argument inside (a double `where`)",
                        fix=None if earlier else self._fix(call, op_call, operand, op_name, args[0], taken),
                        covers=(earlier,) if earlier is not None else ())
            return

    def _guarded_op(self, branch, condition, taken):
        """An op in ``branch`` (or in the one value a branch name was bound to) whose argument is
        valid under the branch's condition and invalid without it."""
        earlier = None
        env = self.facts.env()
        if isinstance(branch, cst.Name) and len(env.get(branch.value, ())) == 1 and env[branch.value][0] != "outer":
            earlier = env[branch.value][0].value
            branch = earlier
        for node in [branch, *iter_nodes(branch)]:
            if isinstance(node, cst.Call):
                meaning = self.facts.meaning(node)
                operands = self.facts.operands(node)
                if meaning is None or meaning.op.name not in DOMAINS or len(operands) != 1:
                    continue
                # TensorFlow's sqrt gradient is 0 at 0 when the incoming gradient is 0: the trap needs a
                # negative argument there (PyTorch's is NaN at 0 as well).
                if meaning.op.name in ("sqrt", "rsqrt") and meaning.framework in ("tf", "keras") \
                        and not self.facts.range(operands[0]).may_be_negative:
                    continue
                if self._only_valid_under(operands[0], condition, taken, DOMAINS[meaning.op.name][0]):
                    return node, operands[0], meaning.op.name, earlier
            elif isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Divide):
                if self._only_valid_under(node.right, condition, taken, "nonzero"):
                    return node, node.right, "division", earlier
        return None

    def _comparison(self, node: cst.BaseExpression) -> cst.Comparison | None:
        """The where's condition: a single comparison, written there or bound to a name just before
        (``small = w.abs() < eps; where(small, x, x / w)``)."""
        env = self.facts.env()
        if isinstance(node, cst.Name) and len(env.get(node.value, ())) == 1 and env[node.value][0] != "outer":
            node = env[node.value][0].value
        node = self.facts.comparison(node)  # tf.less(z, 0), z.lt(0)
        return node if isinstance(node, cst.Comparison) and len(node.comparisons) == 1 else None

    def _only_valid_under(self, operand, condition, taken: bool, domain: str) -> bool:
        """Is ``operand`` inside ``domain`` where the where's branch is taken, and not everywhere?
        The condition restricts its left side (``z < 0``, ``w.abs() < eps``); the operand is that side,
        its absolute value's argument, or arithmetic of it with constants (``1.0 - z``)."""
        region = _region(type(condition.comparisons[0].operator), self.facts.range(condition.comparisons[0].comparator),
                         taken)
        if region is None:
            return False
        value = self.facts.range(operand)
        subject = condition.left
        if region == "nonzero":
            return domain == "nonzero" and subject.deep_equals(operand) and value.may_be_zero
        if _absolute_of(subject) is not None and _absolute_of(subject).deep_equals(operand):
            # |w| kept away from 0 keeps w away from 0
            region = Interval(0.0, 0.0) if region.contains(0.0) else "nonzero"
            return domain == "nonzero" and region == "nonzero" and value.may_be_zero
        within = self._range_where(operand, subject, region.intersect(self.facts.range(subject)), 0)
        if within is None:
            return False
        inside = {"positive": lambda r: r.is_positive, "open_unit": lambda r: not r.may_reach_unit,
                  "nonzero": lambda r: not r.may_be_zero}[domain]
        return inside(within) and not inside(value)

    def _range_where(self, node, subject, region: Interval, depth: int) -> Interval | None:
        """The range of ``node`` where ``subject`` is within ``region``: None when node does not
        depend on subject through arithmetic with what the analysis can bound."""
        if node.deep_equals(subject):
            return region
        if depth > 6:
            return None
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
            inner = self._range_where(node.expression, subject, region, depth + 1)
            return None if inner is None else -inner
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, (cst.Add, cst.Subtract, cst.Multiply)):
            left = self._range_where(node.left, subject, region, depth + 1)
            right = self._range_where(node.right, subject, region, depth + 1)
            if left is None and right is None:
                return None
            left = self.facts.range(node.left) if left is None else left
            right = self.facts.range(node.right) if right is None else right
            if isinstance(node.operator, cst.Add):
                return left + right
            return left - right if isinstance(node.operator, cst.Subtract) else left * right
        return None

    def _fix(self, call, op_call, operand, op_name, condition, taken) -> Fix | None:
        if op_name == "division":
            safe_value = cst.Float("1.0")
        else:
            safe_value = cst.Float(repr(DOMAINS[op_name][1]))
        # the condition as written (a name bound to it stays a name); the operand needs no parentheses as an argument
        bare = fixes.strip_parens(operand)
        inner_args = [cst.Arg(condition), cst.Arg(bare), cst.Arg(safe_value)] if taken else \
            [cst.Arg(condition), cst.Arg(safe_value), cst.Arg(bare)]
        inner = cst.Call(call.func, args=[a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                                          for a in inner_args[:-1]] + [inner_args[-1]])
        return Fix("Guard the argument with an inner `where` (double where)", Applicability.SAFE,
                   [(operand, inner)])



def _absolute_of(node: cst.BaseExpression) -> cst.BaseExpression | None:
    """``x`` for ``x.abs()`` / ``abs(x)`` / ``torch.abs(x)``."""
    if not isinstance(node, cst.Call):
        return None
    func = node.func
    if isinstance(func, cst.Attribute) and func.attr.value == "abs" and not node.args:
        return func.value
    name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else None
    return node.args[0].value if name == "abs" and len(node.args) == 1 else None


def _region(operator: type, bound: Interval, taken: bool) -> Interval | str | None:
    """The values x can have where ``x <op> c`` holds (or fails), c a constant or known by its range
    (an eps in (0, 1]): the union of the regions of every c."""
    if bound.is_constant:
        return condition_region(operator, bound.lo, taken)
    at_lo = condition_region(operator, bound.lo, taken)
    at_hi = condition_region(operator, bound.hi, taken)
    if not isinstance(at_lo, Interval) or not isinstance(at_hi, Interval):
        return None
    if at_lo.hi == INF:  # x above c: above the smallest c
        return Interval(bound.lo, INF, at_lo.lo_closed and bound.lo_closed, False) if bound.lo > -INF else None
    return Interval(-INF, bound.hi, False, at_hi.hi_closed and bound.hi_closed) if bound.hi < INF else None
