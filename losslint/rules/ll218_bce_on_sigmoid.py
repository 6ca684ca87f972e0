
import libcst as cst

from losslint import fixes
from losslint.core.syntax import one_minus
from losslint.diagnostics import Applicability, Fix
from losslint.rules._triggers import LOG_WORD, all_of, any_of, lowered
from losslint.rules.base import ANYWHERE, Rule

# Functional forms: (prediction argument index, with-logits replacement or None for a from_logits keyword).
FUNCTIONS = {"F.binary_cross_entropy": (0, "binary_cross_entropy_with_logits"),
             "keras.losses.binary_crossentropy": (1, None), "K.binary_crossentropy": (1, None),
             "keras.losses.binary_focal_crossentropy": (1, None)}
# Loss objects: constructor -> (prediction argument index of the call, with-logits constructor or None).
CLASSES = {"torch.nn.BCELoss": (0, "BCEWithLogitsLoss"), "keras.losses.BinaryCrossentropy": (1, None),
           "keras.losses.BinaryFocalCrossentropy": (1, None)}


class BceOnSigmoid(Rule):
    """LL218: binary cross-entropy on a sigmoid output instead of the with-logits form."""

    code = "LL218"
    name = "bce-on-sigmoid"
    summary = "binary cross-entropy of a sigmoid output; use the with-logits form"
    runs_in = ANYWHERE
    fix_applicability = Applicability.SAFE
    trigger = any_of(lowered(b"binarycrossentropy"), lowered(b"binary_crossentropy"), lowered(b"binary_cross_entropy"),
                     lowered(b"bceloss"), all_of(b"sigmoid", LOG_WORD))
    supersedes = ("LL201", "LL213")

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        """``y * log(sigmoid(z)) + (1 - y) * log(1 - sigmoid(z))``, written by hand."""
        if not isinstance(node.operator, cst.Add):
            return
        for first, second in ((node.left, node.right), (node.right, node.left)):
            positive, negative = self._term(first, complement=False), self._term(second, complement=True)
            if positive is None or negative is None:
                continue
            (y, z, sigmoid, movable), (not_y, z2, _, movable2) = positive, negative
            if not z.deep_equals(z2) or one_minus(not_y) is None or not one_minus(not_y).deep_equals(y):
                continue
            self.report(node, "binary cross-entropy written by hand on a sigmoid: both logs reach -inf once the "
                              "sigmoid saturates; use the with-logits form",
                        fix=self._hand_written_fix(node, sigmoid, z, y) if movable and movable2 else None)
            return

    def _term(self, node: cst.BaseExpression, complement: bool):
        """``(label, logits, sigmoid call, movable)`` for ``label * log(sigmoid(z))`` (``log(1 - sigmoid(z))``)."""
        if not (isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Multiply)):
            return None
        for label, log_call in ((node.left, node.right), (node.right, node.left)):
            if not isinstance(log_call, cst.Call) or self.facts.op_name(log_call) != "log":
                continue
            operands = self.facts.operands(log_call)
            if len(operands) != 1:
                continue
            inner = one_minus(operands[0]) if complement else operands[0]
            if inner is None:
                continue
            found = self.facts.producer(inner, "sigmoid")
            if found is not None and len(self.facts.operands(found[0])) == 1:
                return label, self.facts.operands(found[0])[0], found[0], found[1]
        return None

    def _hand_written_fix(self, node, sigmoid: cst.Call, z, y) -> Fix | None:
        framework = self.facts.meaning(sigmoid).framework
        z, y = fixes.strip_parens(z), fixes.strip_parens(y)
        if framework in ("torch", "tensor"):
            func, imports = fixes.spell("F.binary_cross_entropy_with_logits", self.facts)
            bce = fixes.call(func, z, y, reduction=cst.SimpleString('"none"'))
        elif framework == "tf":
            func, imports = fixes.spell("tf.nn.sigmoid_cross_entropy_with_logits", self.facts)
            bce = fixes.call(func, labels=y, logits=z)
        elif framework == "keras":
            func, imports = fixes.spell("keras.ops.binary_crossentropy", self.facts)
            bce = fixes.call(func, y, z, from_logits=cst.Name("True"))
        else:
            return None
        # The hand-written sum is the negative cross-entropy, elementwise.
        new = cst.UnaryOperation(cst.Minus(), bce, lpar=node.lpar, rpar=node.rpar)
        return Fix("Use the with-logits cross-entropy", Applicability.SAFE, [(node, new)], imports)

    def visit_Call(self, call: cst.Call) -> None:
        loss = self._loss_kind(call)
        if loss is None:
            return
        index, replacement, constructor, inline = loss
        positional = [a for a in call.args if a.keyword is None]
        if len(positional) <= index or _keyword(call, "from_logits") or (
                constructor is not None and _keyword(constructor, "from_logits")):
            return
        movable_fix = inline
        found = self.facts.producer(positional[index].value, "sigmoid")
        if found is None:
            return
        sigmoid, movable = found
        logits = self.facts.operands(sigmoid)
        if len(logits) != 1:
            return
        self.report(call, "binary cross-entropy of a sigmoid: the sigmoid saturates to 0 or 1 and the loss "
                          "clamps or overflows there; pass the logits to the with-logits form",
                    fix=self._fix(call, positional[index], logits[0], replacement, constructor)
                    if movable and movable_fix else None)

    def _loss_kind(self, call: cst.Call):
        qualified = self.facts.imports.qualify(call.func)
        if qualified in FUNCTIONS:
            return (*FUNCTIONS[qualified], None, True)
        # nn.BCELoss()(p, y), or a loss object built elsewhere (criterion = nn.BCELoss(); criterion(p, y)):
        # fixed in place only when the constructor is part of the call.
        found = self.facts.loss_object(call.func)
        if found is not None and found[0] in CLASSES:
            return (*CLASSES[found[0]], found[1], isinstance(call.func, cst.Call))
        return None

    def _fix(self, call, argument: cst.Arg, logits, replacement, constructor) -> Fix | None:
        args = [a.with_changes(value=fixes.strip_parens(logits)) if a is argument else a for a in call.args]
        if constructor is None and replacement is not None:  # F.binary_cross_entropy -> ..._with_logits
            new = call.with_changes(func=call.func.with_changes(attr=cst.Name(replacement)), args=args)
        elif constructor is None:  # keras functions take from_logits=True
            new = call.with_changes(args=[*_with_comma(args), _from_logits()])
        elif replacement is not None:  # nn.BCELoss(...)(p, y) -> nn.BCEWithLogitsLoss(...)(z, y)
            new_constructor = constructor.with_changes(func=constructor.func.with_changes(attr=cst.Name(replacement))) \
                if isinstance(constructor.func, cst.Attribute) else None
            if new_constructor is None:
                return None
            new = call.with_changes(func=new_constructor, args=args)
        else:  # keras.losses.BinaryCrossentropy()(y, p) -> BinaryCrossentropy(from_logits=True)(y, z)
            new = call.with_changes(func=constructor.with_changes(
                args=[*_with_comma(list(constructor.args)), _from_logits()]), args=args)
        return Fix("Use the with-logits form on the logits", Applicability.SAFE, [(call, new)])


def _keyword(call: cst.Call, name: str) -> bool:
    return any(a.keyword is not None and a.keyword.value == name for a in call.args)


def _from_logits() -> cst.Arg:
    return cst.Arg(cst.Name("True"), keyword=cst.Name("from_logits"),
                   equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))


def _with_comma(args: list[cst.Arg]) -> list[cst.Arg]:
    if args and args[-1].comma is cst.MaybeSentinel.DEFAULT:
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    return args
