import re

import libcst as cst

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
        if len(args) != 3 or not isinstance(args[0], cst.Comparison) or len(args[0].comparisons) != 1:
            return
        condition = args[0]
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
                        fix=None if earlier else self._fix(call, op_call, operand, op_name, condition, taken),
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

    def _only_valid_under(self, operand, condition, taken: bool, domain: str) -> bool:
        if not condition.left.deep_equals(operand):
            return False
        bound = self.facts.range(condition.comparisons[0].comparator)
        if not bound.is_constant:
            return False
        value = self.facts.range(operand)
        region = condition_region(type(condition.comparisons[0].operator), bound.lo, taken)
        if region is None or (region == "nonzero") != (domain == "nonzero"):
            return False
        if region == "nonzero":
            return value.may_be_zero
        within = value.intersect(region)
        inside = {"positive": lambda r: r.is_positive, "open_unit": lambda r: not r.may_reach_unit}[domain]
        return inside(within) and not inside(value)

    def _fix(self, call, op_call, operand, op_name, condition, taken) -> Fix | None:
        if op_name == "division":
            safe_value = cst.Float("1.0")
        else:
            safe_value = cst.Float(repr(DOMAINS[op_name][1]))
        inner_args = [cst.Arg(condition), cst.Arg(operand), cst.Arg(safe_value)] if taken else \
            [cst.Arg(condition), cst.Arg(safe_value), cst.Arg(operand)]
        inner = cst.Call(call.func, args=[a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                                          for a in inner_args[:-1]] + [inner_args[-1]])
        return Fix("Guard the argument with an inner `where` (double where)", Applicability.SAFE,
                   [(operand, inner)])

