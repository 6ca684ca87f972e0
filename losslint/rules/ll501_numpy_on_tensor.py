import re

import libcst as cst

from losslint import fixes
from losslint.core.ops import FRAMEWORK_SPELLING, KEYWORD_SPELLING
from losslint.diagnostics import Applicability, Fix
from losslint.rules.base import LOSS, Rule

KERAS_SIGNATURE = ("y_true", "y_pred")
# numpy hands these to the tensor's own method with its keywords (``t.mean(axis=...)``): a
# TypeError on any torch tensor, gradient or not.
METHOD_REDUCTIONS = frozenset({"mean", "sum", "std", "var", "max", "min"})


class NumpyOnTensor(Rule):
    """LL501: a numpy function applied to a tensor in loss code."""

    code = "LL501"
    name = "numpy-on-tensor"
    summary = "numpy math on a tensor in loss code: the gradient stops there"
    runs_in = LOSS
    fix_applicability = Applicability.UNSAFE
    trigger = re.compile(rb"\bnp\b|numpy")
    source = "numpy"  # the module whose functions know nothing of autograd

    def visit_Call(self, call: cst.Call) -> None:
        meaning = self.facts.meaning(call)
        if meaning is None or meaning.framework != self.source:
            return
        tensors = [o for o in self.facts.operands(call) if self.facts.probably_tensor(o)]
        if not tensors:
            return
        framework = self._framework()
        if framework == "torch" and meaning.op.name not in METHOD_REDUCTIONS \
                and all("detached" in self.facts.value(o).provenance for o in tensors):
            return  # eager numpy on a tensor its author detached loses nothing that was meant to flow
        target = FRAMEWORK_SPELLING.get(framework, {}).get(meaning.op.name) if framework else None
        instead = f"; use `{target}`" if target else ""
        self.report(call, f"`{meaning.spelling}` on a tensor in loss code: {self.source} has no gradient "
                          f"(and fails in graph mode){instead}", fix=self._fix(call, target, framework))

    def _framework(self) -> str | None:
        frameworks = self.facts.frameworks() - {"numpy", "math"}
        if not frameworks:  # a snippet: the framework it uses without importing
            frameworks = {f for f, word in (("torch", "torch."), ("tf", "tf.")) if word in self.facts.source}
        if len(frameworks) == 1:
            return frameworks.pop()
        function = self.facts.function
        params = [p.name.value for p in function.parameters()][:2] if function else []
        if "tf" in frameworks and tuple(params) == KERAS_SIGNATURE:
            return "tf"
        if "torch" in frameworks:
            return "torch"
        return None

    def _fix(self, call: cst.Call, target: str | None, framework: str | None) -> Fix | None:
        if target is None:
            return None
        renames = KEYWORD_SPELLING[framework]
        args = []
        for arg in call.args:
            if arg.star:
                return None
            if arg.keyword is not None:
                if arg.keyword.value not in renames:
                    return None
                arg = arg.with_changes(keyword=cst.Name(renames[arg.keyword.value]))
            args.append(arg)
        func, imports = fixes.spell(target, self.facts)
        return Fix(f"Use `{target}`", Applicability.UNSAFE, [(call, call.with_changes(func=func, args=args))], imports)
