import re

from losslint.rules._weights import WeightedSumRule
from losslint.rules.base import LOSS


class MixedMagnitudeWeights(WeightedSumRule):
    """LL301: the constant weights of a summed loss differ by more than ``weight-ratio``."""

    code = "LL301"
    name = "mixed-magnitude-weights"
    summary = "the weights of a summed loss differ by orders of magnitude"
    runs_in = LOSS
    trigger = re.compile(rb"[+]")

    def check_sum(self, node, terms) -> None:
        self._check(node, [t.weight for t in terms])

    def check_accumulated(self, name, items) -> None:
        if any(t.explicit for _, t in items):
            self._check(items[0][0], [t.weight for _, t in items], accumulated=name)

    def _check(self, node, weights: list[float], accumulated: str | None = None) -> None:
        ratio_limit = self.facts.options["weight-ratio"]
        ratio = max(weights) / min(weights)
        if ratio <= ratio_limit:
            return
        where = f"the terms accumulated into `{accumulated}`" if accumulated else "the terms of this sum"
        self.report(node, f"the weights of {where} differ by a factor of {ratio:.0e} (more than {ratio_limit:g}): "
                          f"the small-weight term's gradient is lost next to the large one; rescale the terms "
                          f"to comparable magnitudes (or normalize each term first)")
