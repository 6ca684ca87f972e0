import re

import libcst as cst

from losslint.core.vocabulary import name_words
from losslint.rules.base import ANYWHERE, Rule

# Words of a parameter name that say what it holds (``y_pred``, ``predicted_y``, ``target_y``).
PREDICTION_WORDS = frozenset({"pred", "preds", "predicted", "prediction", "predictions", "output", "outputs",
                              "logits", "hat", "yhat", "score", "scores"})
TARGET_WORDS = frozenset({"true", "target", "targets", "label", "labels", "gt", "truth"})


def _reads_as(name: str, words: frozenset) -> bool:
    if words is TARGET_WORDS and name.lower() == "y":  # a bare ``y`` is the labels
        return True
    return bool(words & set(name_words(name)))


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
        first, second = names[:2] if len(names) >= 2 else ("", "")
        if _reads_as(first, PREDICTION_WORDS) and not _reads_as(first, TARGET_WORDS) \
                and _reads_as(second, TARGET_WORDS) and not _reads_as(second, PREDICTION_WORDS):
            self.report(node, f"Keras calls a loss as `loss(y_true, y_pred)`: here `{names[0]}` receives the "
                              f"labels and `{names[1]}` the predictions; swap the parameters",
                        anchor="def" if isinstance(node, cst.FunctionDef) else "node")
