import libcst as cst

from losslint import fixes
from losslint.diagnostics import Applicability, Fix
from losslint.rules._triggers import any_of, lowered
from losslint.rules.base import ANYWHERE, Rule

# Losses that apply log_softmax themselves: a softmax before them is applied twice.
CE_FUNCTIONS = {"F.cross_entropy": 0, "tf.nn.softmax_cross_entropy_with_logits": 1,
                "tf.nn.softmax_cross_entropy_with_logits_v2": 1, "tf.nn.sparse_softmax_cross_entropy_with_logits": 1,
                "tf.losses.softmax_cross_entropy": 1, "tf.losses.sparse_softmax_cross_entropy": 1}
CE_CLASSES = {"torch.nn.CrossEntropyLoss": 0}
# Keras losses are on probabilities unless from_logits=True: then a softmax before them is applied twice.
KERAS_FUNCTIONS = {"keras.losses.categorical_crossentropy": 1, "keras.losses.sparse_categorical_crossentropy": 1,
                   "K.categorical_crossentropy": 1, "K.sparse_categorical_crossentropy": 1}
KERAS_CLASSES = {"keras.losses.CategoricalCrossentropy": 1, "keras.losses.SparseCategoricalCrossentropy": 1}
# Losses that expect log-probabilities.
NLL_FUNCTIONS = {"F.nll_loss": 0}
NLL_CLASSES = {"torch.nn.NLLLoss": 0}


class CrossEntropyOnSoftmax(Rule):
    """LL219: cross-entropy on a softmax output (softmax applied twice), or NLL on probabilities."""

    code = "LL219"
    name = "ce-on-softmax"
    summary = "cross-entropy of a softmax output, or NLL of probabilities"
    runs_in = ANYWHERE
    fix_applicability = Applicability.UNSAFE
    trigger = any_of(lowered(b"crossentropy"), lowered(b"cross_entropy"), lowered(b"nllloss"), lowered(b"nll_loss"))

    def visit_Call(self, call: cst.Call) -> None:
        kind = self._kind(call)
        if kind is None:
            return
        what, index, constructor = kind
        argument = self._logits_argument(call, index)
        if argument is None:
            return
        found = self.facts.producer(argument.value, "softmax")
        if found is None:
            return
        softmax, movable = found
        if what == "nll":
            message = ("`nll_loss` expects log-probabilities but gets a softmax: the loss is -p instead of "
                       "-log p; use `log_softmax`")
        else:
            message = ("cross-entropy of a softmax output applies softmax twice: gradients shrink and the loss "
                       "cannot go below a floor; pass the logits")
        self.report(call, message, fix=self._fix(argument, softmax, what) if movable else None)

    def _logits_argument(self, call: cst.Call, index: int) -> cst.Arg | None:
        """The prediction argument: by keyword (``logits=``, ``input=``, ``y_pred=``) or by position."""
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value in ("logits", "input", "y_pred"):
                return arg
        positional = [a for a in call.args if a.keyword is None]
        return positional[index] if len(positional) > index else None

    def _kind(self, call: cst.Call):
        qualified = self.facts.imports.qualify(call.func)
        constructor = None
        if qualified is None:
            # nn.CrossEntropyLoss()(p, y), or a loss object built elsewhere (self.criterion(p, y))
            found = self.facts.loss_object(call.func)
            if found is None:
                return None
            qualified, constructor = found
            if constructor is None:
                constructor = cst.Call(cst.Name("_"))  # built elsewhere, from no keyword we can read
        if qualified is None:
            return None
        table_ce, table_keras, table_nll = ((CE_FUNCTIONS, KERAS_FUNCTIONS, NLL_FUNCTIONS) if constructor is None
                                            else (CE_CLASSES, KERAS_CLASSES, NLL_CLASSES))
        if qualified in table_ce:
            return "ce", table_ce[qualified], constructor
        if qualified in table_nll:
            return "nll", table_nll[qualified], constructor
        if qualified in table_keras and _from_logits(constructor if constructor is not None else call):
            return "ce", table_keras[qualified], constructor
        return None

    def _fix(self, argument: cst.Arg, softmax: cst.Call, what: str) -> Fix | None:
        # ``value`` is the softmax call itself or a name bound to it; either is replaced in place.
        value = argument.value
        if what == "nll":
            if not isinstance(softmax.func, cst.Attribute):
                return None
            new = softmax.with_changes(func=softmax.func.with_changes(attr=cst.Name("log_softmax")))
            return Fix("Use `log_softmax`", Applicability.UNSAFE, [(value, new)])
        logits = self.facts.operands(softmax)
        if not logits:
            return None
        return Fix("Pass the logits", Applicability.UNSAFE, [(value, fixes.strip_parens(logits[0]))])


def _from_logits(call: cst.Call) -> bool:
    return any(a.keyword is not None and a.keyword.value == "from_logits"
               and isinstance(a.value, cst.Name) and a.value.value == "True" for a in call.args)
