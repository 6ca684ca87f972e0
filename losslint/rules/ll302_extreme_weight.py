import re

from losslint.rules._weights import WeightedSumRule
from losslint.rules.base import LOSS


class ExtremeWeight(WeightedSumRule):
    """LL302: a loss term's constant weight lies outside ``weight-band``."""

    code = "LL302"
    name = "extreme-weight"
    summary = "a loss term is weighted by an extreme constant"
    runs_in = LOSS
    trigger = re.compile(rb"[+]")

    def check_sum(self, node, terms) -> None:
        for t in terms:
            self._check(t.node, t)

    def check_accumulated(self, name, items) -> None:
        for statement, t in items:
            self._check(statement.value, t)

    def _check(self, node, t) -> None:
        low, high = self.facts.options["weight-band"]
        if t.explicit and not low <= t.weight <= high:
            self.report(node, f"a loss term weighted by {t.weight:g}, outside [{low:g}, {high:g}]: at this scale "
                              f"it either vanishes in float32 next to the other terms or dominates them; "
                              f"normalize the term instead of weighting it by an extreme constant")
