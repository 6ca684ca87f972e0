import re

import libcst as cst

from losslint.rules._weights import accumulated_terms, is_sum_root, terms_of
from losslint.rules.ll301_mixed_magnitude_weights import _chain_nodes
from losslint.rules.base import LOSS, Rule


class ExtremeWeight(Rule):
    """LL302: a loss term's constant weight lies outside ``weight-band``."""

    code = "LL302"
    name = "extreme-weight"
    summary = "a loss term is weighted by an extreme constant"
    runs_in = LOSS
    trigger = re.compile(rb"[+]")

    def __init__(self, facts, reports) -> None:
        super().__init__(facts, reports)
        self._inner: set[int] = set()

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if not is_sum_root(node) or id(node) in self._inner:
            return
        self._inner |= {id(n) for n in _chain_nodes(node)}
        for t in terms_of(node, self.facts) or ():
            self._check(t.node, t)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        info = self.facts.index.function_of.get(node)
        if info is None or info not in self.facts.scopes.functions:
            return
        for items in accumulated_terms(info, self.facts).values():
            for statement, t in items:
                self._check(statement.value, t)

    def _check(self, node, t) -> None:
        low, high = self.facts.options["weight-band"]
        if t.explicit and not low <= t.weight <= high:
            self.report(node, f"a loss term weighted by {t.weight:g}, outside [{low:g}, {high:g}]: at this scale "
                              f"it either vanishes in float32 next to the other terms or dominates them; "
                              f"normalize the term instead of weighting it by an extreme constant")
