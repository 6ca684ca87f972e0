import re

import libcst as cst

from losslint import fixes
from losslint.core.evaluate import meet
from losslint.core.index import used_names
from losslint.core.walk import iter_nodes
from losslint.diagnostics import Applicability, Fix
from losslint.rules.base import LOSS, Rule

WHERES = {"where"}
ORDERINGS = (cst.GreaterThan, cst.GreaterThanEqual, cst.LessThan, cst.LessThanEqual)
SIGMOID = {"torch": "torch.sigmoid", "tensor": "torch.sigmoid", "tf": "tf.sigmoid", "keras": "keras.ops.sigmoid",
           "jax": None, "numpy": None}
STEEPNESS = 10.0


class HardThresholdGate(Rule):
    """LL101: a where() that switches on a threshold of the prediction, with branches that jump."""

    code = "LL101"
    name = "hard-threshold-gate"
    summary = "a where() gated by a threshold on the prediction jumps at the threshold"
    runs_in = LOSS
    fix_applicability = Applicability.UNSAFE
    trigger = re.compile(rb"where|switch")

    def __init__(self, facts, reports) -> None:
        super().__init__(facts, reports)
        self._substitutes: set[int] = set()

    def visit_Call(self, call: cst.Call) -> None:
        meaning = self.facts.meaning(call)
        if meaning is None or meaning.op.name != "where":
            return
        args = [a.value for a in call.args if a.keyword is None]
        if len(args) != 3 or id(call) in self._substitutes:
            return
        if not self.facts.feeds_loss_gradient():
            return  # its value reaches the loss only detached (a straight-through estimator)
        condition, a, b = args
        # The inner where of a double where (same condition) only substitutes a safe argument.
        self._substitutes |= {id(n) for n in iter_nodes(call) if isinstance(n, cst.Call)
                              and self.facts.op_name(n) == "where" and n.args and n.args[0].value.deep_equals(condition)}
        if self._substitutes_for_a_later_where(call, condition):
            return
        gate = self._gate(condition)
        if gate is None:
            return
        gated, threshold, upward = gate
        t = self.facts.range(threshold)
        t_value = t.lo if t.is_constant else 0.731
        cases = [[(gated, t_value)]]
        # A gate on abs(x) holds at x = +t and x = -t; on x**2 / square(x) at x = +-sqrt(t).
        inner = self._unwrapped(gated)
        if inner is not None:
            x, to_x = inner
            cases = [[(gated, t_value), (x, s * to_x(t_value))] for s in (1.0, -1.0)]
        pinned = used_names(gated)
        if meet(self.facts, a, b, self.facts.env(), cases, pinned) is not False:
            return  # continuous (Huber, smooth L1), or undecidable: no finding
        self.report(call, f"`where` switches on a threshold of the prediction and its branches do not meet there: "
                          f"the loss jumps, and the gradient is cut off on one side; use a soft gate "
                          f"`s = sigmoid((p - t) * k)`, `s * a + (1 - s) * b` (k = {STEEPNESS:g} sets the steepness)",
                    fix=self._fix(call, gated, threshold, upward, a, b, meaning.framework))

    def _substitutes_for_a_later_where(self, call: cst.Call, condition: cst.BaseExpression) -> bool:
        """``safe = where(c, x, 1)`` read only inside ``where(c, f(safe), ...)``: the first half of a
        double where, which feeds the other where's taken branch a safe argument."""
        statement, function = self.facts.statement, self.facts.function
        if function is None or not isinstance(statement, cst.SimpleStatementLine):
            return False
        small = statement.body[0]
        if not (isinstance(small, cst.Assign) and small.value is call and len(small.targets) == 1
                and isinstance(small.targets[0].target, cst.Name)):
            return False
        name = small.targets[0].target.value
        for node in iter_nodes(function.node.body, skip_functions=True):
            if isinstance(node, cst.Call) and node is not call and self.facts.op_name(node) == "where" \
                    and len(node.args) == 3 and node.args[0].value.deep_equals(condition) \
                    and name in used_names(node.args[1].value) | used_names(node.args[2].value):
                return True
        return False

    def _gate(self, condition: cst.BaseExpression):
        """(gated value, threshold, True for > / >=) when the condition compares the prediction to a
        value that does not depend on it (``p > t``, ``tf.greater_equal(p, t)``, ``p.gt(t)``)."""
        condition = self.facts.comparison(condition)
        if not isinstance(condition, cst.Comparison) or len(condition.comparisons) != 1:
            return None
        target = condition.comparisons[0]
        if not isinstance(target.operator, ORDERINGS):
            return None
        left, right = condition.left, target.comparator
        upward = isinstance(target.operator, (cst.GreaterThan, cst.GreaterThanEqual))
        left_pred, right_pred = self.facts.is_prediction_derived(left), self.facts.is_prediction_derived(right)
        if left_pred and not right_pred:
            return left, right, upward
        if right_pred and not left_pred:
            return right, left, not upward
        return None

    def _unwrapped(self, gated: cst.BaseExpression):
        if isinstance(gated, cst.Call):
            op = self.facts.op_name(gated)
            operands = self.facts.operands(gated)
            if op == "abs" and len(operands) == 1:
                return operands[0], lambda t: t
            if op == "square" and len(operands) == 1:
                return operands[0], lambda t: abs(t) ** 0.5
        return None

    def _fix(self, call, gated, threshold, upward: bool, a, b, framework: str) -> Fix | None:
        spelling = SIGMOID.get(framework)
        if spelling is None:
            return None
        if self.facts.meaning(call).spelling.startswith("K."):
            spelling = "K.sigmoid"
        func, imports = fixes.spell(spelling, self.facts)
        p, t = fixes.as_receiver(gated), fixes.as_receiver(threshold)
        difference = cst.BinaryOperation(p, cst.Subtract(), t) if upward else cst.BinaryOperation(t, cst.Subtract(), p)
        scaled = cst.BinaryOperation(difference.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]),
                                     cst.Multiply(), cst.Float(repr(STEEPNESS)))
        gate = fixes.call(func, scaled)
        one_minus = cst.BinaryOperation(cst.Integer("1"), cst.Subtract(), gate,
                                        lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        soft = cst.BinaryOperation(cst.BinaryOperation(gate, cst.Multiply(), fixes.as_receiver(a)), cst.Add(),
                                   cst.BinaryOperation(one_minus, cst.Multiply(), fixes.as_receiver(b)),
                                   lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return Fix(f"Replace the hard gate by a sigmoid gate (k = {STEEPNESS:g})", Applicability.UNSAFE,
                   [(call, soft)], imports)
