import re

import libcst as cst

from losslint.core.walk import iter_nodes
from losslint.rules._weights import WeightedSumRule, term
from losslint.rules.base import LOSS


class ExtremeWeight(WeightedSumRule):
    """LL302: a loss term's constant weight lies outside ``weight-band``."""

    code = "LL302"
    name = "extreme-weight"
    summary = "a loss term is weighted by an extreme constant"
    runs_in = LOSS
    trigger = re.compile(rb"[+*/]")

    def __init__(self, facts, reports) -> None:
        super().__init__(facts, reports)
        self._products: set[int] = set()  # products already read as part of an enclosing product
        self._reported: set[int] = set()

    def check_sum(self, node, terms) -> None:
        for t in terms:
            if not t.named:  # a weight written on a named term is reported where it is written
                self._check(t.node, t)

    def check_accumulated(self, name, items) -> None:
        for statement, t in items:
            self._check(statement.value, t)

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        super().visit_BinaryOperation(node)
        # A weighted loss term on its own (``kd_loss = 1e7 * kd``, ``return 1e-8 * loss``): read at the
        # outermost product of a chain.
        if not isinstance(node.operator, (cst.Multiply, cst.Divide)) or id(node) in self._products:
            return
        self._products |= {id(n) for n in iter_nodes(node)}
        t = term(node, self.facts)
        if t is not None and not t.named:
            self._check(node, t)

    def _check(self, node, t) -> None:
        if id(node) in self._reported:
            return
        self._reported.add(id(node))
        low, high = self.facts.options["weight-band"]
        if t.explicit and not low <= t.weight <= high and not self._identically_zero(node):
            self.report(node, f"a loss term weighted by {t.weight:g}, outside [{low:g}, {high:g}]: at this scale "
                              f"it either vanishes in float32 next to the other terms or dominates them; "
                              f"normalize the term instead of weighting it by an extreme constant")

    def _identically_zero(self, node) -> bool:
        """A term that is 0 whatever its inputs (``torch.zeros(1, requires_grad=True) * x.sum() * 1e-8``,
        the placeholder loss of an empty batch): its weight scales nothing."""
        value = self.facts.range(node)
        return value.is_constant and value.lo == 0
