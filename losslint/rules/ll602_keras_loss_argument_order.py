import re

import libcst as cst

from losslint.rules.base import ANYWHERE, Rule

PREDICTION = re.compile(r"^(y_?pred\w*|preds?|predictions?|outputs?|logits|y_?hat|yhat|scores?)$", re.IGNORECASE)
TARGET = re.compile(r"^(y_?true|true|targets?|labels?|y|gt|ground_?truth)$", re.IGNORECASE)


class KerasLossArgumentOrder(Rule):
    """LL602: a Keras loss whose parameters read prediction-first; Keras calls loss(y_true, y_pred)."""

    code = "LL602"
    name = "keras-loss-argument-order"
    summary = "a Keras loss takes (prediction, target); Keras passes (y_true, y_pred)"
    runs_in = ANYWHERE
    file_level = True
    trigger = re.compile(rb"compile|Loss")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._check(node)

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._check(node)

    def _check(self, node) -> None:
        info = self.facts.index.function_of.get(node)
        if info is None or info not in self.facts.scopes.keras_losses:
            return
        names = [p.name.value for p in info.parameters() if p.name.value not in ("self", "cls")]
        if len(names) >= 2 and PREDICTION.match(names[0]) and TARGET.match(names[1]):
            self.report(node, f"Keras calls a loss as `loss(y_true, y_pred)`: here `{names[0]}` receives the "
                              f"labels and `{names[1]}` the predictions; swap the parameters",
                        anchor="def" if isinstance(node, cst.FunctionDef) else "node")
