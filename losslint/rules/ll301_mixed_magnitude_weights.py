import re

import libcst as cst

from losslint.rules._weights import accumulated_terms, is_sum_root, sum_operands, terms_of
from losslint.rules.base import LOSS, Rule


class MixedMagnitudeWeights(Rule):
    """LL301: the constant weights of a summed loss differ by more than ``weight-ratio``."""

    code = "LL301"
    name = "mixed-magnitude-weights"
    summary = "the weights of a summed loss differ by orders of magnitude"
    runs_in = LOSS
    trigger = re.compile(rb"[+]")

    def __init__(self, facts, reports) -> None:
        super().__init__(facts, reports)
        self._inner: set[int] = set()  # sums already read as part of an enclosing sum

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if not is_sum_root(node) or id(node) in self._inner:
            return
        operands = sum_operands(node)
        self._inner |= {id(n) for n in _chain_nodes(node)}
        terms = terms_of(node, self.facts)
        if terms:
            self._check(node, [t.weight for t in terms], len(operands))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        info = self.facts.index.function_of.get(node)
        if info is None or info not in self.facts.scopes.functions:
            return
        for name, items in accumulated_terms(info, self.facts).items():
            if any(t.explicit for _, t in items):
                self._check(items[0][0], [t.weight for _, t in items], len(items), accumulated=name)

    def _check(self, node, weights: list[float], count: int, accumulated: str | None = None) -> None:
        ratio_limit = self.facts.options["weight-ratio"]
        ratio = max(weights) / min(weights)
        if ratio <= ratio_limit:
            return
        where = f"the terms accumulated into `{accumulated}`" if accumulated else "the terms of this sum"
        self.report(node, f"the weights of {where} differ by a factor of {ratio:.0e} (more than {ratio_limit:g}): "
                          f"the small-weight term's gradient is lost next to the large one; rescale the terms "
                          f"to comparable magnitudes (or normalize each term first)")


def _chain_nodes(node: cst.BaseExpression):
    while isinstance(node, cst.BinaryOperation) and isinstance(node.operator, (cst.Add, cst.Subtract)) \
            and not node.lpar:
        yield node
        node = node.left
