"""What a name or call refers to: imports, conventional aliases, canonical ops and method forms."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from losslint.core import vocabulary as V
from losslint.core.ops import METHOD_OPS, SPELLING_OPS, Op

# Notebook cells and snippets use these without importing them; unbound, they keep this meaning.
CONVENTIONAL_ALIASES = {
    "tf": "tensorflow",
    "torch": "torch",
    "nn": "torch.nn",
    "F": "torch.nn.functional",
    "K": "keras.backend",
    "np": "numpy",
    "keras": "keras",
    "ops": "keras.ops",
    "math": "math",
    "jnp": "jax.numpy",
}

# Longest prefix first: each rewrites a qualified name into the spelling used by ``ops.OPS``.
_PREFIXES = [
    ("tensorflow.compat.v1.keras.backend.", "K."),
    ("tensorflow.compat.v1.", "tf."),
    ("tensorflow.keras.backend.", "K."),
    ("tensorflow.keras.", "keras."),
    ("tensorflow.", "tf."),
    ("tf.keras.backend.", "K."),
    ("tf.keras.", "keras."),
    ("tf_keras.src.backend.", "K."),  # tf_keras: the Keras 2 package TensorFlow 2.16+ code imports
    ("tf_keras.backend.", "K."),
    ("tf_keras.src.", "keras."),
    ("tf_keras.", "keras."),
    ("keras.src.backend.", "K."),
    ("keras.src.", "keras."),
    ("keras.backend.", "K."),
    ("torch.nn.functional.", "F."),
    ("numpy.", "np."),
    ("jax.numpy.", "jnp."),
]

# Receivers whose ``.log(...)``, ``.mean()`` ... are not tensor ops.
NON_TENSOR_RECEIVERS = frozenset({"self", "cls", "logger", "logging", "log", "writer", "wandb",
                                  "mlflow", "tb", "summary_writer", "os", "sys", "super"})

FRAMEWORK_ROOTS = {"torch": "torch", "F": "torch", "tf": "tf", "keras": "keras", "K": "keras",
                   "np": "numpy", "jnp": "jax", "jax": "jax", "math": "math"}


def normalize(qualified: str) -> str:
    for prefix, short in _PREFIXES:
        if qualified.startswith(prefix):
            return short + qualified[len(prefix):]
    if qualified == "tf_keras":
        return "keras"
    if qualified in ("tensorflow", "numpy", "torch.nn.functional", "keras.backend", "jax.numpy"):
        return normalize(qualified + ".").rstrip(".")
    return qualified


def dotted_name(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a chain of attributes on a name, else None."""
    parts = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return ".".join(reversed(parts))
    return None


@dataclass(frozen=True)
class CallMeaning:
    op: Op
    framework: str  # "torch", "tf", "keras", "numpy", "jax", "math", "builtin" or "tensor" (a method)
    spelling: str  # normalized qualified name, or ".method" for a method form
    receiver: cst.BaseExpression | None = None  # the tensor a method form is called on


class ImportTable:
    """Local names bound by imports, mapped to the qualified names they stand for."""

    def __init__(self) -> None:
        self.aliases: dict[str, str] = {}
        self.bound_names: set[str] = set()  # names bound otherwise (assignments, parameters, defs)
        # ``from .config import EPS`` / ``from mypkg.config import EPS``: names a sibling module defines.
        self.project_imports: set[str] = set()
        # Names bound by ``import a.b as c`` and ``from a import b``: local name -> (module, level,
        # imported name or None for a module), for ``project.Project`` to follow into the project.
        self.origins: dict[str, tuple[str | None, int, str | None]] = {}
        self._comparisons: dict[int, tuple[cst.Call, cst.Comparison]] = {}

    def add_import(self, node: cst.Import | cst.ImportFrom) -> None:
        if isinstance(node, cst.Import):
            for alias in node.names:
                full = dotted_name(alias.name) or ""
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    self.aliases[alias.asname.name.value] = full
                    self.origins[alias.asname.name.value] = (full, 0, None)
                else:
                    head = full.split(".")[0]
                    self.aliases[head] = head
            return
        if isinstance(node.names, cst.ImportStar):
            return
        if node.relative or node.module is None:
            for alias in node.names:
                name = alias.asname.name if alias.asname else alias.name
                if isinstance(name, cst.Name):
                    self.project_imports.add(name.value)
                    if isinstance(alias.name, cst.Name):
                        module = dotted_name(node.module) if node.module is not None else None
                        self.origins[name.value] = (module, len(node.relative), alias.name.value)
            return
        module = dotted_name(node.module) or ""
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
            self.aliases[local] = f"{module}.{name}"
            if "." not in name:  # followed only where the module is a file of this project (a framework's own code)
                self.origins[local] = (module, 0, name)
            if not _is_framework(module):
                self.project_imports.add(local)

    def qualify(self, node: cst.BaseExpression) -> str | None:
        """The normalized qualified name of a dotted expression, or None when it is not imported."""
        dotted = dotted_name(node)
        return None if dotted is None else self.qualify_dotted(dotted)

    def qualify_dotted(self, dotted: str) -> str | None:
        head, _, rest = dotted.partition(".")
        if head in self.aliases:
            base = self.aliases[head]
        elif head in CONVENTIONAL_ALIASES and head not in self.bound_names:
            base = CONVENTIONAL_ALIASES[head]
        else:
            return None
        return normalize(f"{base}.{rest}" if rest else base)

    def is_module_name(self, name: str) -> bool:
        return name in self.aliases or (name in CONVENTIONAL_ALIASES and name not in self.bound_names)

    def frameworks(self) -> set[str]:
        """The ML frameworks this module imports."""
        found = set()
        for qualified in self.aliases.values():
            root = normalize(qualified).split(".")[0]
            if root in FRAMEWORK_ROOTS:
                found.add(FRAMEWORK_ROOTS[root])
        return found

    def local_name_for(self, qualified_module: str) -> str | None:
        """A local name already bound to ``qualified_module`` (``torch``, ``tensorflow``...)."""
        for local, target in self.aliases.items():
            if target == qualified_module:
                return local
        return None

    def comparison(self, node: cst.BaseExpression) -> cst.BaseExpression:
        """``node`` as the comparison it means: ``tf.greater(a, b)``, ``torch.gt(a, b)``,
        ``keras.ops.less_equal(a, b)`` and ``a.gt(b)`` as ``a > b`` ... (built once per call, from the
        call's own operands); any other node as it is."""
        if not isinstance(node, cst.Call):
            return node
        known = self._comparisons.get(id(node))
        if known is not None and known[0] is node:
            return known[1]
        operator = self._comparison_operator(node)
        if operator is None:
            return node
        operands = [a.value for a in node.args if a.keyword is None]
        if isinstance(node.func, cst.Attribute) and len(operands) == 1:
            operands = [node.func.value, *operands]
        built = cst.Comparison(left=operands[0], comparisons=[
            cst.ComparisonTarget(operator=COMPARISON_OPERATORS[operator](), comparator=operands[1])])
        self._comparisons[id(node)] = (node, built)
        return built

    def _comparison_operator(self, call: cst.Call) -> str | None:
        if any(a.star or (a.keyword is not None and a.keyword.value != "name") for a in call.args):
            return None
        positional = sum(a.keyword is None for a in call.args)
        qualified = self.qualify(call.func)
        if qualified is not None:
            for root in V.COMPARISON_ROOTS:
                name = qualified[len(root):] if qualified.startswith(root) else None
                if name in V.COMPARISON_FUNCTIONS and positional == 2:
                    return V.COMPARISON_FUNCTIONS[name]
            return None
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value in V.COMPARISON_METHODS and positional == 1 \
                and looks_like_tensor_receiver(func.value, self):
            return V.COMPARISON_FUNCTIONS[func.attr.value]
        return None

    def meaning(self, call: cst.Call) -> CallMeaning | None:
        func = call.func
        qualified = self.qualify(func)
        if qualified is not None:
            op = SPELLING_OPS.get(qualified)
            if op is None:
                return None
            root = qualified.split(".")[0]
            return CallMeaning(op, FRAMEWORK_ROOTS.get(root, root), qualified)
        if isinstance(func, cst.Name):
            op = SPELLING_OPS.get(func.value)
            if op is not None and func.value not in self.bound_names:
                return CallMeaning(op, "builtin", func.value)
            return None
        if isinstance(func, cst.Attribute):
            op = METHOD_OPS.get(func.attr.value)
            if op is None or not looks_like_tensor_receiver(func.value, self):
                return None
            if op.unary and any(arg.keyword is None for arg in call.args):
                return None  # ``x.log()`` has no operand; ``obj.log(msg)`` is something else
            return CallMeaning(op, "tensor", "." + func.attr.value, receiver=func.value)
        return None


COMPARISON_OPERATORS: dict[str, type[cst.BaseCompOp]] = {
    ">": cst.GreaterThan, ">=": cst.GreaterThanEqual, "<": cst.LessThan, "<=": cst.LessThanEqual, "==": cst.Equal,
    "!=": cst.NotEqual,
}


def _is_framework(module: str) -> bool:
    return module.split(".")[0] in FRAMEWORK_ROOTS or module.split(".")[0] in ("tensorflow", "numpy")


def looks_like_tensor_receiver(node: cst.BaseExpression, imports: ImportTable) -> bool:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString, cst.Integer,
                         cst.Float, cst.List, cst.Dict, cst.Set)):
        return False
    dotted = dotted_name(node)
    if dotted is not None:
        head = dotted.split(".")[0]
        if imports.is_module_name(head) or head in NON_TENSOR_RECEIVERS and "." not in dotted:
            return False
        if dotted.split(".")[-1] in NON_TENSOR_RECEIVERS:
            return False
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "super":
        return False
    return True
