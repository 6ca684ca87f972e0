import re

import libcst as cst

from losslint.core.syntax import one_plus
from losslint.fixes import as_receiver, strip_parens
from losslint.diagnostics import Applicability, Fix, NeededImport
from losslint.rules._triggers import all_of, LOG_WORD
from losslint.rules.base import ANYWHERE, Rule

# Spellings whose module has a ``log1p`` next to ``log``; others are respelled or left without fix.
RESPELL = {"tf.log": "math.log1p"}
NO_LOG1P = ("K.",)


class Log1p(Rule):
    """LL211: ``log(1 + x)`` loses precision for small ``x``; ``log1p(x)`` is exact."""

    code = "LL211"
    name = "log1p"
    summary = "`log(1 + x)` computed in two roundings; use `log1p(x)`"
    runs_in = ANYWHERE
    fix_applicability = Applicability.SAFE
    trigger = all_of(b"log", b"1", LOG_WORD, re.compile(rb"\b1(?:\.0*)?\s*\+|\+\s*1(?:\.0*)?\b"))

    def visit_Call(self, call: cst.Call) -> None:
        found = self.facts.single_operand(call, ("log",))
        if found is None or found[0].framework in ("math", "builtin"):  # Python floats: not this rule's frameworks
            return
        meaning, x = found[0], one_plus(found[1])
        if x is None or self.facts.op_name(x) == "exp":  # log(1 + exp(x)) is softplus (LL216)
            return
        self.report(call, "`log(1 + x)` rounds `1 + x` before the log and loses small `x`; use `log1p(x)`",
                    fix=self._fix(call, x, meaning))

    def _fix(self, call: cst.Call, x: cst.BaseExpression, meaning) -> Fix | None:
        func = call.func
        imports = []
        if meaning.receiver is not None:  # (1 + x).log() -> x.log1p()
            new_call = call.with_changes(func=cst.Attribute(as_receiver(strip_parens(x)), cst.Name("log1p")))
            return Fix("Use `.log1p()`", Applicability.SAFE, [(call, new_call)])
        if meaning.spelling.startswith(NO_LOG1P):
            return None
        if isinstance(func, cst.Attribute):
            respelled = RESPELL.get(meaning.spelling)
            if respelled is not None:
                head = func.value
                new_func = cst.parse_expression(f"{cst.Module([]).code_for_node(head)}.{respelled}")
            else:
                new_func = func.with_changes(attr=cst.Name("log1p"))
        elif isinstance(func, cst.Name):
            original = self.facts.imports.aliases.get(func.value)
            if original is None or "." not in original:
                return None
            new_func = cst.Name("log1p")
            imports = [NeededImport(original.rsplit(".", 1)[0], "log1p")]
        else:
            return None
        args = [call.args[0].with_changes(value=strip_parens(x))] + list(call.args[1:])
        return Fix("Use `log1p`", Applicability.SAFE, [(call, call.with_changes(func=new_func, args=args))], imports)

