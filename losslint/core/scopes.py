"""Which code computes a loss. Loss code is what reaches a gradient: the value handed to autograd
(``backward``, ``tape.gradient``, ``minimize``, ``compile(loss=...)``, ``add_loss``, a training
step's returned loss, ``jax.grad(f)``), the statements and helpers that compute it, and functions
whose content is a loss (they return the value of a loss API or a loss object, or are the
``forward`` of a loss class). A loss-like name is a hint among this evidence, never enough alone;
metrics, schedulers, samplers, target preparation and code under ``no_grad`` are not loss code."""

from __future__ import annotations

import fnmatch
import os

import libcst as cst

from losslint.core import vocabulary as V
from losslint.core.index import ClassInfo, FunctionInfo, LossSink, ModuleIndex, used_names
from losslint.core.names import dotted_name
from losslint.core.walk import iter_nodes

TORCH_LOSS_BASES = {"torch.nn.modules.loss._Loss", "torch.nn.modules.loss._WeightedLoss", "torch.nn._Loss",
                    # gpytorch's marginal log likelihoods: the objective a GP is fitted by (its negative)
                    "gpytorch.mlls.MarginalLogLikelihood", "gpytorch.mlls.ExactMarginalLogLikelihood",
                    "gpytorch.mlls.marginal_log_likelihood.MarginalLogLikelihood",
                    "gpytorch.mlls.exact_marginal_log_likelihood.ExactMarginalLogLikelihood"}
TORCH_MODULE_BASES = {"torch.nn.Module", "torch.nn.modules.module.Module"}
KERAS_LOSS_BASES = {"keras.losses.Loss", "keras.losses.LossFunctionWrapper"}
KERAS_LAYER_BASES = {"keras.layers.Layer", "keras.Model", "keras.models.Model", "keras.Layer", "keras.layers.Model"}
# Methods a framework calls with the loss it differentiates, or whose result it differentiates.
TRAINING_STEP_METHODS = frozenset({"training_step", "compute_loss"})
FRAMEWORK_LOSS_METHODS = frozenset({"forward", "call", "__call__"})


def _value_reads(value: cst.BaseExpression) -> tuple[set[str], set[str], set[str]]:
    """What an assigned value reads: names, attribute names, and the names it calls."""
    heads, parts = _split(used_names(value))
    called = {dotted_name(node.func) for node in (value, *iter_nodes(value)) if isinstance(node, cst.Call)}
    return heads, parts, called - {None}


def _split(dotted: set[str]) -> tuple[set[str], set[str]]:
    """Dotted names read (``self.crit``, ``nn.MSELoss``) as (their heads, their attribute names)."""
    return {d.split(".")[0] for d in dotted}, {part for d in dotted for part in d.split(".")[1:]}


def path_named_loss(path: str | None) -> bool:
    """A file named for losses (losses.py, focal_loss.py, multi_objective.py): a hint for every function
    in it, whatever the function's own text says."""
    stem = os.path.splitext(os.path.basename(path))[0] if path else ""
    return bool(stem) and V.loss_named(stem) and not V.NOT_LOSS_WORDS.search(stem) \
        and not stem.startswith("test") and not stem.endswith("_test")


class LossScopes:
    """The loss functions (defs and lambdas) of a module and the loss statements outside them."""

    def __init__(self, index: ModuleIndex, patterns: tuple[str, ...] = (), path: str | None = None) -> None:
        self.index = index
        self.patterns = patterns
        self.file_stem = os.path.splitext(os.path.basename(path))[0] if path else ""
        self.path_named_loss = path_named_loss(path)
        # A test module (test_*.py, *_test.py: what pytest collects) checks losses, by design with the
        # naive forms it compares against: none of it is loss code.
        self.is_test_file = self.file_stem.startswith("test_") or self.file_stem.endswith("_test")
        self.functions: set[FunctionInfo] = set()
        self.statements: set[cst.SimpleStatementLine] = set()
        self.excluded: set[FunctionInfo] = set()
        self._slices: dict[FunctionInfo, object] = {}
        # Helpers whose loss is only some items of the tuples they return (_narrow_helper_returns).
        self._return_items: dict[FunctionInfo, set[int]] = {}
        self._loss_bearing: set[FunctionInfo] | None = None
        # Keras calls these with (y_true, y_pred) per batch and applies sample weights to their result.
        self.keras_losses = {info for info in index.functions if info.cls is not None and info.parent is None
                             and info.name in ("call", "__call__") and self.is_keras_loss(info.cls)}
        for value, cls in index.compiled_losses:
            self.keras_losses |= self.callables(value, cls)
        for value, cls in index.wrapped_losses:
            if self.is_keras_loss(cls):
                self.keras_losses |= self.callables(value)

    # -- classes -----------------------------------------------------------------------------
    def class_bases(self, cls: ClassInfo, seen: frozenset[str] = frozenset()) -> set[str]:
        """Qualified names of the bases of ``cls``, following classes of the same module."""
        found: set[str] = set()
        for base in cls.bases:
            qualified = self.index.imports.qualify(base)
            dotted = dotted_name(base) or ""
            found.add(qualified or dotted)
            local = self.index.classes.get(dotted)
            if local is not None and local.name not in seen and local is not cls:
                found |= self.class_bases(local, seen | {cls.name})
        return found

    def _local_bases_only(self, cls: ClassInfo) -> bool:
        """Every base chain ends in a class of this module deriving from nothing known (``object``)."""
        for base in cls.bases:
            dotted = dotted_name(base) or ""
            local = self.index.classes.get(dotted)
            if local is None or local is cls:
                if dotted not in ("object", ""):
                    return False
            elif not self._local_bases_only(local):
                return False
        return True

    def is_torch_module(self, cls: ClassInfo) -> bool:
        bases = self.class_bases(cls)
        return bool(bases & (TORCH_MODULE_BASES | TORCH_LOSS_BASES)) or any(
            b.endswith(("._Loss", "._WeightedLoss", "nn.Module", "LightningModule")) or b in ("_Loss", "_WeightedLoss")
            for b in bases)

    def is_torch_loss(self, cls: ClassInfo) -> bool:
        bases = self.class_bases(cls)
        derives_loss = bool(bases & TORCH_LOSS_BASES) or any(b.endswith(("_Loss", "_WeightedLoss")) for b in bases)
        # A class named as a loss that is called on tensors (forward / __call__), whatever its base
        # (torchrl's LossModule, a package's own base class).
        named = V.strongly_loss_named(cls.name) and bool({"forward", "__call__"} & set(cls.methods)) \
            and not self.is_keras_loss(cls) and not self._is_keras_layer_named(cls)
        return derives_loss or named or (V.strongly_loss_named(cls.name) and (
            self.is_torch_module(cls) or any(b.split(".")[-1].endswith("Loss") and not self._is_local_plain(b)
                                             for b in bases)))

    def _is_keras_layer_named(self, cls: ClassInfo) -> bool:
        return any(b.startswith("keras") for b in self.class_bases(cls))

    def _is_local_plain(self, base: str) -> bool:
        local = self.index.classes.get(base)
        return local is not None and self._local_bases_only(local)

    def is_keras_loss(self, cls: ClassInfo) -> bool:
        bases = self.class_bases(cls)
        if bases & KERAS_LOSS_BASES or any(b.startswith("keras.") and b.endswith(".Loss") for b in bases):
            return True
        # An unqualified ``Loss`` base is Keras's only when it is not a class of this module.
        return any(b in ("Loss", "losses.Loss") and b not in self.index.classes
                   and b.split(".")[0] not in self.index.imports.project_imports for b in bases)

    def is_keras_layer(self, cls: ClassInfo) -> bool:
        bases = self.class_bases(cls)
        return bool(bases & KERAS_LAYER_BASES) or any(b.endswith((".Layer", ".Model")) and b.startswith("keras")
                                                      for b in bases)

    def is_excluded_class(self, cls: ClassInfo | None) -> bool:
        """Metrics, schedulers, samplers, assigners, box coders, tests: never loss code."""
        if cls is None:
            return False
        names = [cls.name, *(b.split(".")[-1] for b in self.class_bases(cls))]
        # A metric-learning loss (BaseMetricLossFunction) is a loss: within one name, loss words win;
        # a KLDivergence(Metric) is a metric.
        return any(V.NOT_LOSS_BASES.search(n) and not V.LOSS_WORDS.search(n) for n in names)

    # -- the search ----------------------------------------------------------------------------
    def find(self, values) -> None:
        """Mark loss code; ``values`` is the ValueAnalysis that tells what functions return."""
        self.values = values
        index = self.index
        if self.is_test_file:
            return
        self.excluded = set()
        for info in index.functions:  # parents come before the functions nested in them
            if self._excluded(info):
                self.excluded.add(info)
        roots: set[FunctionInfo] = set()
        for info in index.functions:
            if info not in self.excluded and self._is_loss_by_itself(info):
                roots.add(info)
        roots |= self.keras_losses
        for value in index.named_losses:
            roots |= self.callables(value)
        for value in index.differentiated:
            roots |= self.callables(value)
        for sink in [*index.sinks, *self._sinks_through_helpers(), *self._stored_losses()]:
            if sink.how == "step" and not self._is_differentiated_loss(sink):
                continue
            roots |= self._slice_sink(sink)
        for info in index.functions:  # a training step's returned loss reaches the optimizer
            if info.cls is not None and info.parent is None and info.name in TRAINING_STEP_METHODS:
                roots.add(info)
        # A same-module helper that computes part of the loss is loss code; so is code nested in it.
        pending = [info for info in roots if info not in self.excluded]
        self.functions = set(pending)
        for statement in self.statements:
            pending += self._callees_in(statement, None)
        while pending:
            info = pending.pop()
            if info in self.excluded:
                continue
            self.functions.add(info)
            for callee in self._callees(info):
                if callee not in self.functions and callee not in self.excluded:
                    self.functions.add(callee)
                    pending.append(callee)
        self._narrow_helper_returns(roots)

    def _narrow_helper_returns(self, roots: set[FunctionInfo]) -> None:
        """A helper that is loss code only as a helper of other loss code returns its loss in the
        items its callers unpack and use: of ``in_top_k, ndcg, weights = helper(...)`` where only
        ``weights`` reaches the caller's loss, ``weights`` alone (the hit rate beside it is a metric).
        Its slice is narrowed to those items; what it calls stays loss code."""
        used: dict[FunctionInfo, set[int] | None] = {}
        for statement in self.statements:  # module-level loss code: every item it may read
            for callee in self._callees_in(statement, None):
                used[callee] = None
        for info in self.functions:
            slice_ = self.loss_slice(info) if isinstance(info.node, cst.FunctionDef) else None
            if slice_ is None:
                for callee in self._callees(info):
                    used[callee] = None
                continue
            returns, statements, _ = slice_
            losses = [loss for found in returns.values() for loss in found]
            reads = set().union(*(used_names(n) for n in losses), *(_values_read(s) for s in statements))
            for node in [*statements, *losses]:
                unpacked = _unpacked_call(node)
                for call in (n for n in (node, *iter_nodes(_header(node) if node in statements else node))
                             if isinstance(n, cst.Call)):
                    positions = None
                    if unpacked is not None and unpacked[1] is call:
                        positions = {i for i, name in enumerate(unpacked[0]) if name in reads}
                    for callee in self._resolve(dotted_name(call.func) or "", info.cls):
                        before = used.get(callee, set())
                        used[callee] = None if before is None or positions is None else before | positions
        for helper, positions in used.items():
            if positions is not None and helper not in roots and helper in self.functions:
                self._return_items[helper] = positions
                self._slices.pop(helper, None)  # computed again, with only these items

    def is_data_pipeline(self, cls: ClassInfo | None) -> bool:
        """A class deriving from one of a data pipeline's (torchvision.transforms.RandomResizedCrop):
        it prepares inputs, whatever its name says."""
        return cls is not None and any(V.DATA_PIPELINE_MODULES & set(b.split(".")[:-1]) for b in self.class_bases(cls))

    def _excluded(self, info: FunctionInfo) -> bool:
        if self.is_data_pipeline(info.cls):
            return True
        if info.cls is not None and self.is_excluded_class(info.cls) and not self.is_torch_loss(info.cls) \
                and not self.is_keras_loss(info.cls) and not V.strongly_loss_named(info.name):
            return True  # a metric's update; not a sampler's wishart_kl term
        if V.NOT_LOSS_WORDS.search(info.name) and not V.LOSS_WORDS.search(info.name) and not info.name.startswith("__"):
            return True  # (``__init__`` constructs: it initializes no weights, and a TF1 graph's loss is built there)
        if self.values.no_grad(info):
            return True
        top = info
        while top.parent is not None:
            top = top.parent
        if top is not info and top in self.excluded:
            return True
        return False

    def _is_loss_by_itself(self, info: FunctionInfo) -> bool:
        if self.patterns and any(fnmatch.fnmatchcase(info.name, p) or fnmatch.fnmatchcase(info.qualname, p)
                                 for p in self.patterns):
            return True
        if info.cls is not None and info.parent is None and info.name in FRAMEWORK_LOSS_METHODS:
            if self.is_torch_loss(info.cls) or self.is_keras_loss(info.cls):
                return True
        if isinstance(info.node, cst.Lambda):
            return False
        names = [info.name] + ([info.cls.name] if info.cls is not None and info.parent is None else [])
        words = set().union(*(V.loss_words(n) for n in names))
        by_file_only = not words and self.path_named_loss
        if self.path_named_loss:
            words |= V.loss_words(self.file_stem)
        named_loss_returned = not words and self._returns_a_named_loss(info)
        if not words and not named_loss_returned and info not in self.loss_bearing():
            return False  # nothing it reads can give a loss: what it returns need not be computed
        returned = self.values.returns(info)
        if "loss" in returned.provenance or any(_carries_loss(v) for v in self._returned_losses(info)):
            # returns the value of a loss API, a loss object, or another loss function (on some
            # path: ``return logits.sum() * 0`` for an empty batch does not make it less a loss)
            return True
        if info.name.startswith("__"):
            return False
        returned = _loss_content(returned)
        # A loss-like name (the function's, its class's, its file's) is evidence only for code that
        # computes on tensors (whether or not a bug has cut the gradient on the way), not for
        # constants, strings or settings; a weak word (cost, entropy) only with a gradient.
        if not words:
            # ``pos_loss = -torch.log(torch.sigmoid(out) + eps).mean(); return pos_loss + neg_loss``:
            # a value with a gradient that the function's own code names a loss
            return named_loss_returned and (returned.grad.value == "yes" or self._returns_a_named_loss_with_gradient(info))
        if by_file_only:
            # A function of a losses module named for nothing else: a loss where its result can carry
            # a gradient; an error rate or a hard dice beside the losses (argmax, thresholds) is a metric.
            # (A weak word of the file's name, ``cost.py``, needs the gradient shown.)
            gradient = ("yes",) if not words - V.WEAK_LOSS_TOKENS else ("yes", "maybe")
            return returned.grad.value in gradient and returned.kind.value in ("tensor", "unknown") \
                and not returned.is_constant
        if not words - V.WEAK_LOSS_TOKENS:
            return returned.grad.value == "yes" or bool({"from-tensor", "stepped", "detached"} & returned.provenance)
        return returned.kind.value in ("tensor", "mask", "index", "unknown", "number", "numpy") \
            and not returned.is_constant and (returned.kind.value not in ("number", "numpy")
                                              or "from-tensor" in returned.provenance)

    @staticmethod
    def _returns_a_named_loss(info: FunctionInfo) -> bool:
        """Does the function return a local it binds under a strong loss word (``total_loss``)?"""
        named = _loss_named_locals(info)
        if not named:
            return False
        return any(isinstance(node, cst.Return) and node.value is not None
                   and not named.isdisjoint(used_names(node.value, values_only=True))
                   for node in iter_nodes(info.node.body, skip_functions=True))

    def _returns_a_named_loss_with_gradient(self, info: FunctionInfo) -> bool:
        """Is a part of what the function returns that reads a local it names a loss a value with a
        gradient (``return pos_loss + neg_loss``; tensor2tensor's ``return output, {"training":
        loss}``), not a number made of it (``return loss.item()``)? The local returned as it is
        counts where its gradient is unknown (computed by another module's model)."""
        named = _loss_named_locals(info)
        ranges = self.values.ranges
        for statement, value in _return_lines(info):
            parts = [part for part in _parts(value) if not named.isdisjoint(used_names(part, values_only=True))]
            if not parts:
                continue
            env = ranges.env_before(info, statement)
            for part in parts:
                value = self.values.value(part, env, info)
                # the local itself, a tensor whose gradient is not known either way: its name decides
                if value.grad.value == "yes" or (isinstance(part, cst.Name) and value.is_float_tensor
                                                 and value.grad.value == "maybe" and not value.is_constant):
                    return True
        return False

    def loss_bearing(self) -> set[FunctionInfo]:
        """The functions whose value can carry a loss, by what they call and read: a call named
        with a loss word (``F.cross_entropy``, ``self.criterion(...)``, ``tf.losses.mse``); a name
        imported from a loss or from a helper of the project that can give one; a name or
        attribute this module binds to something that can (a loss object assigned to ``self.fn``,
        a helper that returns one, a class deriving from a loss). Every loss a value carries comes
        from a call: a local variable named ``cost`` is no evidence, nor an imported class. A
        superset, cheap to find: the others cannot return a loss."""
        if self._loss_bearing is not None:
            return self._loss_bearing
        index = self.index
        names: set[str] = set()  # names bound to what can carry a loss
        attributes: set[str] = set()  # attribute names (``self.fn``, ``module.helper``) that can
        for local, qualified in index.imports.aliases.items():
            if any(V.names_loss_api(part) for part in qualified.split(".")):
                names.add(local)  # ``from torch.nn.functional import cross_entropy as ce``
        # (names, attribute names) bound, and what their values read: names, attribute names, and
        # the parts of the names they call. A function's own variables are its reads already.
        bindings: list[tuple[set[str], set[str], set[str], set[str], set[str]]] = []
        for cls in index.classes.values():
            heads, parts = _split(set().union(*(used_names(b) for b in cls.bases)))
            bindings.append(({cls.name}, set(), heads, parts, set()))
            for attribute, value in cls.init_attributes.items():  # register_buffer too
                bindings.append((set(), {attribute}, *_value_reads(value)))
        module_level = [(a, True) for a in index.module_assignments]
        for assignment, at_module_level in module_level + [(a, False) for f in index.functions for a in f.assignments]:
            bound_attributes = {t.rsplit(".", 1)[1] for t in assignment.targets if "." in t}
            bound = {t for t in assignment.targets if "." not in t} if at_module_level else set()
            bound_attributes |= bound  # (a class attribute, read as ``self.crit``)
            small = assignment.statement.body[0]
            value = getattr(small, "value", None)
            if (bound or bound_attributes) and isinstance(value, cst.BaseExpression):
                bindings.append((bound, bound_attributes, *_value_reads(value)))
        project, given = self.values.project, {}

        def calls_loss(callees: set[str]) -> bool:  # a loss API, loss object or helper called by name
            for callee in callees:
                if callee not in given:  # (a project helper analysed in its module: what it reads)
                    parts = callee.split(".")
                    # a weak word (objective, cost) only on a module's own attribute: self.cost_fn(x)
                    given[callee] = any(V.names_loss_api(part) for part in parts) or project.gives_loss(callee) or (
                        parts[0] == "self" and any(V.loss_named(part) for part in parts[1:]))
                if given[callee]:
                    return True
            return False

        def reads(read: set[str], read_attributes: set[str], called: set[str]) -> bool:
            return (not names.isdisjoint(read) or not attributes.isdisjoint(read_attributes)
                    or any(V.names_loss_api(n) for n in read | read_attributes) or calls_loss(called))

        calling = {info for info in index.functions if calls_loss(info.calls)}
        found: set[FunctionInfo] = set()
        changed = True
        while changed:
            changed = False
            for bound, bound_attributes, read, read_attributes, called in bindings:
                if not (bound <= names and bound_attributes <= attributes) and reads(read, read_attributes, called):
                    names.update(bound)
                    attributes.update(bound_attributes)
                    changed = True
            for info in index.functions:
                if info not in found and (not names.isdisjoint(info.names) or not attributes.isdisjoint(info.attributes)
                                          or info in calling
                                          or info.cls is not None and info.cls.name in names):
                    found.add(info)
                    # a method is called as an attribute (``self.helper``), a function by its name
                    (attributes if info.cls is not None and info.parent is None else names).add(info.name)
                    if isinstance(info.node, cst.Lambda):
                        attributes.add(info.name)  # (``self.f = lambda ...``)
                    changed = True
        self._loss_bearing = found
        return found

    def _returned_losses(self, info: FunctionInfo) -> list:
        """The values a function's return statements give as its loss (``return loss, metrics``;
        ``{"loss": ...}``), one per return."""
        found = []
        ranges = self.values.ranges
        for statement, value in _return_lines(info):
            env = ranges.env_before(info, statement)
            found += [self.values.value(loss, env, info) for loss in returned_losses(value)]
        return found

    def callables(self, value: cst.BaseExpression, cls: ClassInfo | None = None) -> set[FunctionInfo]:
        if isinstance(value, cst.Lambda):
            info = self.index.function_of.get(value)
            return {info} if info else set()
        name = dotted_name(value)
        if name is None and isinstance(value, cst.Call):  # ``loss=MyLoss()`` or ``loss=make_loss(0.5)``
            name = dotted_name(value.func)
            cls = self.index.classes.get(name or "")
            if cls is not None:
                return {m for n, m in cls.methods.items() if n in ("call", "__call__", "forward")}
            factories = self._resolve(name, None) if name else set()
            # A factory's result: the functions defined in it (the inner loss it returns).
            return {f for f in self.index.functions for factory in factories if f.parent is factory}
        return self._resolve(name, cls) if name else set()

    def _resolve(self, name: str, cls: ClassInfo | None) -> set[FunctionInfo]:
        if name.startswith("self.") and cls is not None:
            method = cls.methods.get(name[5:])
            return {method} if method else set()
        if "." in name:
            # ``Helper.method(x)`` of a class of the module; ``Function.apply(x)`` of an autograd
            # Function runs its ``forward``.
            head, _, attribute = name.partition(".")
            owner = self.index.classes.get(head)
            if owner is None or "." in attribute:
                return set()
            method = owner.methods.get("forward" if attribute == "apply" and "apply" not in owner.methods
                                       else attribute)
            return {method} if method is not None else set()
        return {f for f in self.index.functions if f.name == name and (f.cls is None or f.parent is not None)
                and (isinstance(f.node, cst.FunctionDef) or f.parent is None)}  # a def, or a lambda bound to the name

    def _callees(self, info: FunctionInfo) -> set[FunctionInfo]:
        """Same-module functions that compute part of what ``info`` returns as its loss: called on
        its loss path (its whole body when it returns nothing), or nested in it and returned."""
        slice_ = self.loss_slice(info) if isinstance(info.node, cst.FunctionDef) else None
        if slice_ is None:
            names = set(info.calls)
            nested = {f for f in self.index.functions if f.parent is info}
        else:
            returns, statements, _ = slice_
            # A loop or a with in the slice binds what its header computes; its body's statements are
            # in the slice by themselves where they feed the loss.
            nodes = [_header(s) for s in statements] + [loss for losses in returns.values() for loss in losses]
            names = set().union(*(_called_names(n) | ({dotted_name(n.func)} - {None} if isinstance(n, cst.Call) else set())
                                  for n in nodes)) if nodes else set()
            read = set().union(*(used_names(n) for n in nodes)) if nodes else set()
            nested = {f for f in self.index.functions if f.parent is info and (f.name in names or f.name in read)}
        out: set[FunctionInfo] = set(nested)
        for name in names:
            out |= self._resolve(name, info.cls)
            out |= self._loss_object_methods(name, info)
        return out

    def loss_slice(self, function: FunctionInfo):
        """(returns: statement -> the loss expressions it returns, the statements feeding them, the
        compound statements controlling those), or None for a function that returns no value.
        Followed through the bindings in force, flow-sensitively."""
        if function in self._slices:
            return self._slices[function]
        self._slices[function] = None
        if isinstance(function.node, cst.Lambda):
            return None
        ranges = self.values.ranges
        returns: dict[cst.CSTNode, list[cst.BaseExpression]] = {}
        items = self._return_items.get(function)
        for statement, value in _return_lines(function):
            if items is not None and isinstance(value, cst.Tuple) and len(value.elements) > max(items, default=-1) \
                    and not any(isinstance(e, cst.StarredElement) for e in value.elements):
                returns[statement] = [value.elements[i].value for i in sorted(items)]
                continue
            returns[statement] = returned_losses(value)
            if isinstance(value, cst.Tuple) and len(value.elements) > 1:
                # ``return weights, costs``: later elements that carry a gradient are losses too
                # (``return loss, acc.item()``: a metric does not).
                env = ranges.env_before(function, statement)
                # (and the parts of a record beside the output: ``return output, {"training": loss}``)
                extra = [(part, self.values.value(part, env, function))
                         for e in value.elements[1:] for part in _parts(e.value)]
                # (a later element its name calls a metric, ``return loss, psnr_all``, is not)
                returns[statement] += [e for e, v in extra if v.is_float_tensor and v.grad.value != "no"
                                       and not _named_a_metric(e)]
        if not returns:
            return None
        statements: set = set()
        seen: set = set()
        followed: list = []  # what the losses are computed from (of ``a, b = f((a, b))``, a's part only)
        for statement, losses in returns.items():
            env = ranges.env_before(function, statement)
            for loss in losses:
                ranges.feeding(loss, env, statements, seen, followed)
        # losses.append(term) / terms.update(...): the container's content is on the path too; so is
        # what is stored in an object the loss is read from (``output.loss = loss; return output``).
        changed, counted, read = True, 0, set()
        while changed:
            changed = False
            for node in followed[counted:]:
                read |= used_names(node, values_only=True)
            counted = len(followed)
            for assignment in function.assignments:
                if assignment.statement in statements:
                    continue
                if assignment.targets & read and any(isinstance(small, cst.Expr) for small in assignment.statement.body) \
                        or not _stored_into(assignment.statement).isdisjoint(read - {"self", "cls"}):
                    statements.add(assignment.statement)
                    ranges.feeding(assignment.statement, ranges.env_before(function, assignment.statement),
                                   statements, seen, followed)
                    changed = True
        controls = set()
        for node in iter_nodes(function.node.body, skip_functions=True):
            if isinstance(node, (cst.If, cst.For, cst.While, cst.With, cst.Try)) and any(
                    n in statements or n in returns for n in iter_nodes(node, skip_functions=True)):
                controls.add(node)
        self._slices[function] = (returns, statements, controls)
        return self._slices[function]

    def _callees_in(self, statement: cst.CSTNode, cls: ClassInfo | None) -> list[FunctionInfo]:
        out: list[FunctionInfo] = []
        for name in _called_names(statement) | ({dotted_name(statement.func)} - {None}
                                                 if isinstance(statement, cst.Call) else set()):
            out += self._resolve(name, cls)
        return out

    def _sinks_through_helpers(self) -> list[LossSink]:
        """The arguments of calls of helpers that hand them to autograd as they are (stable-baselines'
        ``tf_util.flatgrad(self.total_loss, var_list)`` calls ``tf.gradients(loss, var_list)``): a
        function of this module, or of another module of the project."""
        local: dict[str, set[int]] = {}
        for sink in self.index.sinks:
            function = sink.function
            if sink.how == "step" or sink.how == "add_loss" or function is None or function.parent is not None \
                    or not isinstance(sink.value, cst.Name) or not isinstance(function.node, cst.FunctionDef):
                continue
            names = [p.name.value for p in function.parameters()]
            if function.cls is not None and names[:1] in (["self"], ["cls"]):
                names = names[1:]
            if sink.value.value in names:
                callee = f"self.{function.name}" if function.cls is not None else function.name
                local.setdefault(callee, set()).add(names.index(sink.value.value))
        project = self.values.project
        found = []
        for callee, calls in self.values.ranges.call_sites().items():
            positions = local.get(callee) or (project.differentiated_arguments(callee)
                                              if callee.split(".")[0] in self.index.imports.origins else ())
            for call, caller in calls if positions else ():
                positional = [a.value for a in call.args if a.keyword is None and not a.star]
                found += [LossSink(positional[i], caller, 0, "helper") for i in positions if i < len(positional)]
        return found

    def _stored_losses(self) -> list[LossSink]:
        """Losses a method keeps on its object for training code elsewhere to read (a TF1 graph
        class's ``self.total_loss = generator_loss + expert_loss`` in ``__init__``, later handed to
        ``opt.minimize(model.total_loss)``): a value with a gradient that is a loss by content (a
        loss API's value, a sum of them) or that the attribute's own name calls a loss. The storing
        statement and what feeds it are loss code."""
        found = []
        for info in self.index.functions:
            if info.cls is None or info in self.excluded or not isinstance(info.node, cst.FunctionDef):
                continue
            for assignment in info.assignments:
                attributes = [t[5:] for t in assignment.targets if t.startswith("self.") and t.count(".") == 1]
                small = assignment.statement.body[0]
                if not attributes or not isinstance(small, (cst.Assign, cst.AnnAssign)) or small.value is None:
                    continue
                # cheap first: a loss is named somewhere here (the attribute, or what the value reads)
                if not any(map(V.loss_named, attributes)) and not any(
                        map(V.loss_named, used_names(small.value, values_only=True))):
                    continue
                env = self.values.ranges.env_before(info, assignment.statement)
                value = self.values.value(small.value, env, info)
                if not (value.is_float_tensor and value.grad.value != "no"):
                    continue
                if "loss" in value.provenance or any(map(V.strongly_loss_named, attributes)):
                    self.statements.add(assignment.statement)
                    found.append(LossSink(small.value, info, assignment.order, "stored"))
        return found

    def _is_differentiated_loss(self, sink: LossSink) -> bool:
        env = self.values.ranges.env_at(sink.function, sink.value)
        value = self.values.value(sink.value, env, sink.function)
        if not (value.is_float_tensor and value.grad.value != "no"):
            return False
        # A loss by content, or a value with a gradient the code names a loss (``actor_loss = -q.mean()
        # + bc_term``): the name breaks the tie where the content is not a loss API.
        name = dotted_name(sink.value)
        return "loss" in value.provenance or (name is not None and V.strongly_loss_named(name.split(".")[-1]))

    def _slice_sink(self, sink: LossSink) -> set[FunctionInfo]:
        """Mark the statements that compute the value handed to autograd; return functions whose
        result flows into it (``loss = my_loss(a, b); loss.backward()``)."""
        assignments = sink.function.assignments if sink.function else self.index.module_assignments
        cls = sink.function.cls if sink.function else None
        needed = used_names(sink.value)
        found = set(self._callees_in(sink.value, cls))
        changed = True
        while changed:
            changed = False
            for assignment in assignments:
                if (sink.function is None and assignment.order > sink.order) or assignment.statement in self.statements:
                    continue
                if assignment.targets & needed:
                    self.statements.add(assignment.statement)
                    needed |= assignment.uses
                    found |= set(self._callees_in(assignment.statement, cls))
                    for name in _called_names(assignment.statement):
                        found |= self._loss_object_methods(name, sink.function)
                    changed = True
        return found

    # -- precision ------------------------------------------------------------------------------
    def reduced_precision(self) -> dict[FunctionInfo, str]:
        """Functions that run under autocast (called in an autocast block, directly, through a loss
        object, or as helpers of those), with the reduced dtype."""
        found: dict[FunctionInfo, str] = {}
        for callee, caller, precision in self.index.autocast_calls:
            targets = self._resolve(callee, caller.cls if caller else None) | self._loss_object_methods(callee, caller)
            pending = list(targets)
            while pending:
                info = pending.pop()
                if info in found:
                    continue
                found[info] = precision
                pending += self._callees(info)
        return found

    def _loss_object_methods(self, callee: str, caller: FunctionInfo | None) -> set[FunctionInfo]:
        """``criterion(...)`` / ``self.criterion(...)`` where the name holds ``SomeLoss(...)``."""
        value = None
        if callee.startswith("self.") and caller is not None and caller.cls is not None:
            value = caller.cls.init_attributes.get(callee[5:])
        elif "." not in callee:
            value = self.index.module_constants.get(callee)
            param = caller.parameter(callee) if caller else None
            if param is not None and param.default is not None:  # def step(..., criterion=MyLoss())
                value = param.default
            for assignment in (caller.assignments if caller else []):
                for small in assignment.statement.body:
                    if isinstance(small, cst.Assign) and any(dotted_name(t.target) == callee for t in small.targets):
                        value = small.value
        if isinstance(value, cst.Call):
            cls = self.index.classes.get(dotted_name(value.func) or "")
            if cls is not None:
                return {m for n, m in cls.methods.items() if n in ("forward", "call", "__call__")}
        return set()

    # -- questions -------------------------------------------------------------------------------
    def is_loss_function(self, info: FunctionInfo | None) -> bool:
        """In the loss code found; a lambda where the function it is written in is."""
        while info is not None:
            if info in self.functions:
                return True
            if not isinstance(info.node, cst.Lambda):
                return False
            info = info.parent
        return False


def _loss_content(value):
    """What a returned container holds as its loss: ``{"loss": {"losses": x, ...}}`` -> x; a tuple of
    weights and costs -> what its elements join to."""
    for _ in range(4):
        if value.kind.value != "container":
            break
        keyed = [v for k, v in value.members if "loss" in k]
        if keyed:
            value = keyed[0]
        elif value.element is not None:
            value = value.element
        else:
            break
    return value


def _return_lines(info: FunctionInfo) -> list[tuple[cst.SimpleStatementLine, cst.BaseExpression]]:
    """The lines of a function (not of the defs nested in it) that return a value, with the value."""
    return [(line, line.body[0].value) for line in iter_nodes(info.node.body, skip_functions=True)
            if isinstance(line, cst.SimpleStatementLine) and isinstance(line.body[0], cst.Return)
            and line.body[0].value is not None]


def _loss_named_locals(info: FunctionInfo) -> set[str]:
    """The locals a function binds under a strong loss word (``pos_loss``, ``total_loss``)."""
    return {t for a in info.assignments for t in a.targets if "." not in t and V.strongly_loss_named(t)}


def _header(statement: cst.CSTNode) -> cst.CSTNode:
    """What a compound statement computes itself: a loop's iterable, a with's items, a test."""
    if isinstance(statement, cst.For):
        return statement.iter
    if isinstance(statement, cst.With):
        return cst.Tuple([cst.Element(item.item) for item in statement.items])
    if isinstance(statement, (cst.If, cst.While)):
        return statement.test
    return statement


def _named_a_metric(node: cst.BaseExpression) -> bool:
    """A local named for what is not a loss (``psnr_all``, ``acc``, ``stats``)."""
    return isinstance(node, cst.Name) and bool(V.NOT_LOSS_WORDS.search(node.value)) \
        and not V.LOSS_WORDS.search(node.value)


def _parts(value: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The parts of a returned record: the items of tuples, lists and dict literals, nested."""
    if isinstance(value, (cst.Tuple, cst.List)):
        return [p for e in value.elements if not isinstance(e, cst.StarredElement) for p in _parts(e.value)]
    if isinstance(value, cst.Dict):
        return [p for e in value.elements if isinstance(e, cst.DictElement) for p in _parts(e.value)]
    return [value]


def _stored_into(statement: cst.SimpleStatementLine) -> set[str]:
    """The names an assignment stores into without rebinding them: ``out.loss = x``,
    ``result["losses"]["dense"] = x`` store into ``out`` and ``result``."""
    found = set()
    for small in statement.body:
        targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else \
            [small.target] if isinstance(small, (cst.AugAssign, cst.AnnAssign)) else []
        for target in targets:
            if not isinstance(target, (cst.Subscript, cst.Attribute)):
                continue
            while isinstance(target, (cst.Subscript, cst.Attribute)):
                target = target.value
            if isinstance(target, cst.Name):
                found.add(target.value)
    return found


def _carries_loss(value, depth: int = 3) -> bool:
    """A loss, or a record holding one (``{"losses": {"dense": loss_dense, ...}}``)."""
    if "loss" in value.provenance:
        return True
    if depth == 0:
        return False
    return any(_carries_loss(member, depth - 1) for _, member in value.members) or (
        value.element is not None and value.kind.value == "container" and _carries_loss(value.element, depth - 1))


def returned_losses(value: cst.BaseExpression) -> list[cst.BaseExpression]:
    """What a return statement returns as the loss: the first element of a tuple, the "loss" entry
    of a dict, both sides of a conditional expression."""
    if isinstance(value, cst.IfExp):
        return returned_losses(value.body) + returned_losses(value.orelse)
    if isinstance(value, cst.Tuple) and value.elements:
        return [value.elements[0].value]
    if isinstance(value, cst.Dict):
        entries = [(e.key.evaluated_value if isinstance(e.key, cst.SimpleString) else "", e.value)
                   for e in value.elements if isinstance(e, cst.DictElement)]
        exact = [v for k, v in entries if k == "loss"]  # Lightning and HF read this key
        keyed = [v for k, v in entries if "loss" in k]
        return exact or keyed or [v for _, v in entries]
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == "dict":
        keyed = [a.value for a in value.args if a.keyword is not None and "loss" in a.keyword.value]
        return keyed or [a.value for a in value.args]
    if isinstance(value, cst.Call):  # an output record: ``ModelOutput(loss=loss, logits=logits)``
        keyed = [a.value for a in value.args if a.keyword is not None and a.keyword.value == "loss"]
        if keyed:
            return keyed
    return [value]


def _unpacked_call(node: cst.CSTNode) -> tuple[list[str | None], cst.Call] | None:
    """``a, b, c = f(...)``: (the names bound, per position; None for anything else, the call)."""
    if not (isinstance(node, cst.SimpleStatementLine) and len(node.body) == 1 and isinstance(node.body[0], cst.Assign)):
        return None
    assign = node.body[0]
    if len(assign.targets) != 1 or not isinstance(assign.targets[0].target, (cst.Tuple, cst.List)) \
            or not isinstance(assign.value, cst.Call):
        return None
    elements = assign.targets[0].target.elements
    if any(isinstance(e, cst.StarredElement) for e in elements):
        return None
    return [e.value.value if isinstance(e.value, cst.Name) else None for e in elements], assign.value


def _values_read(statement: cst.CSTNode) -> set[str]:
    """The names a statement of a slice reads (not those it only binds)."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return used_names(_header(statement))
    found: set[str] = set()
    for small in statement.body:
        if isinstance(small, cst.Assign):
            found |= used_names(small.value)
            found |= {n for t in small.targets if not isinstance(t.target, (cst.Name, cst.Tuple, cst.List))
                      for n in used_names(t.target)}  # x[i] = v, self.a = v: what they store into
        elif isinstance(small, (cst.AugAssign, cst.AnnAssign)):
            found |= used_names(small.target) | (used_names(small.value) if small.value is not None else set())
        else:
            found |= used_names(small)
    return found


def _called_names(node: cst.CSTNode) -> set[str]:
    return {name for n in iter_nodes(node) if isinstance(n, cst.Call) and (name := dotted_name(n.func))}
