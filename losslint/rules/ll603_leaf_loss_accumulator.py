import re

import libcst as cst

from losslint.core.walk import iter_nodes
from losslint.rules.base import ANYWHERE, Rule

CONSTRUCTORS = {"torch.tensor", "torch.zeros", "torch.ones", "torch.zeros_like", "torch.ones_like", "torch.full",
                "torch.empty"}


class LeafLossAccumulator(Rule):
    """LL603: a loss accumulator created as a leaf tensor with requires_grad=True."""

    code = "LL603"
    name = "leaf-loss-accumulator"
    summary = "a loss accumulated into a leaf tensor created with requires_grad=True"
    runs_in = ANYWHERE
    file_level = True
    trigger = re.compile(rb"requires_grad\s*=\s*True")
    # the leaf may be made in a function that spells no loss word (a helper, a setup method)
    evidence = trigger

    def visit_Module(self, node: cst.Module) -> None:
        self._accumulations(self.facts.index.module_assignments)  # a training script's top level

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        info = self.facts.index.function_of.get(node)
        if info is not None:
            self._accumulations(info.assignments)

    def _accumulations(self, assignments) -> None:
        leaves: dict[str, cst.Call] = {}
        for assignment in assignments:
            for small in assignment.statement.body:
                if isinstance(small, cst.Assign) and len(small.targets) == 1 \
                        and isinstance(small.targets[0].target, cst.Name):
                    name = small.targets[0].target.value
                    if self._is_leaf(small.value):
                        leaves[name] = small.value
                    elif name in leaves and _reads(small.value, name):
                        self._report(leaves.pop(name), name, "because it requires grad, `.backward()` succeeds "
                                                             "even when no term carries a graph (`+ x.item()`), "
                                                             "and the model silently gets no gradient")
                    else:
                        leaves.pop(name, None)
                elif isinstance(small, cst.AugAssign) and isinstance(small.target, cst.Name) \
                        and small.target.value in leaves:
                    self._report(leaves.pop(small.target.value), small.target.value,
                                 "`+=` on a leaf that requires grad raises \"a leaf Variable that requires grad is "
                                 "being used in an in-place operation\"")

    def _is_leaf(self, value: cst.BaseExpression) -> bool:
        if not isinstance(value, cst.Call) or self.facts.imports.qualify(value.func) not in CONSTRUCTORS:
            return False
        return any(a.keyword and a.keyword.value == "requires_grad" and isinstance(a.value, cst.Name)
                   and a.value.value == "True" for a in value.args)

    def _report(self, creation: cst.Call, name: str, consequence: str) -> None:
        self.report(creation, f"`{name}` is created as a leaf tensor with requires_grad=True and then accumulated: "
                              f"{consequence}; start from `torch.zeros(())` (no requires_grad) or from the first "
                              f"term, and the graph comes from the terms")


def _reads(node: cst.BaseExpression, name: str) -> bool:
    return any(isinstance(n, cst.Name) and n.value == name for n in [node, *iter_nodes(node)])
