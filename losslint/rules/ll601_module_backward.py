import re

import libcst as cst

from losslint.rules.base import ANYWHERE, Rule


class ModuleBackwardNeverCalled(Rule):
    """LL601: ``backward`` defined on an ``nn.Module``: autograd never calls it."""

    code = "LL601"
    name = "module-backward-never-called"
    summary = "`backward` on an `nn.Module` is never called by autograd"
    runs_in = ANYWHERE
    file_level = True
    trigger = re.compile(rb"def\s+backward")

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        info = self.facts.index.class_of.get(node)
        if info is None or not self.facts.scopes.is_torch_module(info):
            return
        if any(base.split(".")[-1] == "Function" for base in self.facts.scopes.class_bases(info)):
            return
        method = info.methods.get("backward")
        # A hook that hands its argument to autograd (LightningModule.backward(loss) calls
        # loss.backward()) drives the backward pass; it is not a custom gradient.
        if method is not None and not any(sink.function is method for sink in self.facts.index.sinks):
            self.report(method.node, f"`{info.name}.backward` is never called: autograd differentiates "
                                     f"`forward` itself; a custom gradient needs a `torch.autograd.Function` "
                                     f"with static `forward`/`backward`", anchor="def")
