"""The op vocabulary, kept as data.

Every framework spelling of an operation maps to one canonical op. A new alias is a new string in
a row of ``OPS``, not code. Spellings are normalized qualified names (see ``names.normalize``):
``torch.``, ``F.`` (torch.nn.functional), ``tf.`` (tensorflow, incl. ``tf.math``/``tf.nn``),
``keras.ops.``, ``K.`` (keras.backend, tf.keras.backend), ``np.``, ``math.``, ``jnp.``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Op:
    name: str
    spellings: tuple[str, ...]
    # Tensor method names that mean this op (``x.log()``); empty when the op has no method form.
    methods: tuple[str, ...] = ()
    # Where the op is defined: "positive" (> 0), "nonnegative" (>= 0), "unit" ([-1, 1]) or None.
    domain: str | None = None
    # A result range that does not depend on the argument: "unit" ([0, 1]: sigmoid and softmax
    # saturate in float), "symmetric_unit" ([-1, 1]), "positive" (> 0), "nonnegative" (>= 0),
    # "at_least_one" ([1, inf)). None: computed from the argument (see ranges.py).
    result: str | None = None
    differentiable: bool = True

    @property
    def unary(self) -> bool:
        """Elementwise with one operand: its method form takes no positional argument."""
        return self.name in UNARY


UNARY = frozenset({"log", "log2", "log10", "log1p", "exp", "expm1", "sqrt", "rsqrt", "abs", "square", "sigmoid",
                   "softplus", "tanh", "cosh", "sin", "cos", "erf", "relu", "acos", "asin", "atanh", "floor",
                   "ceil", "sign"})


def _spell(name: str, *extra: str, torch=True, tf=True, keras=True, np=True, math=False, jnp=True):
    """The usual spellings of an elementwise op named ``name`` in every framework."""
    out = []
    if torch:
        out += [f"torch.{name}", f"torch.special.{name}"]
    if tf:
        out += [f"tf.{name}", f"tf.math.{name}"]
    if keras:
        out += [f"keras.ops.{name}", f"K.{name}"]
    if np:
        out += [f"np.{name}"]
    if jnp:
        out += [f"jnp.{name}"]
    if math:
        out += [f"math.{name}"]
    return tuple(out) + extra


OPS: dict[str, Op] = {
    op.name: op
    for op in [
        Op("log", _spell("log", math=True), ("log",), domain="positive"),
        Op("log2", _spell("log2", math=True), ("log2",), domain="positive"),
        Op("log10", _spell("log10", math=True), ("log10",), domain="positive"),
        Op("log1p", _spell("log1p", math=True), ("log1p",)),
        Op("exp", _spell("exp", math=True), ("exp",), result="positive"),
        Op("expm1", _spell("expm1", math=True), ("expm1",)),
        Op("sqrt", _spell("sqrt", math=True), ("sqrt",), domain="nonnegative"),
        Op("rsqrt", ("torch.rsqrt", "tf.math.rsqrt", "tf.rsqrt", "keras.ops.rsqrt"), ("rsqrt",),
           domain="positive"),
        Op("abs", _spell("abs", "math.fabs", "abs", "torch.absolute", "np.absolute"), ("abs", "absolute")),
        Op("square", _spell("square"), ("square",)),
        Op("sigmoid", ("torch.sigmoid", "torch.special.expit", "F.sigmoid", "tf.sigmoid",
                       "tf.math.sigmoid", "tf.nn.sigmoid", "keras.ops.sigmoid", "K.sigmoid",
                       "keras.activations.sigmoid", "jax.nn.sigmoid"), ("sigmoid",), result="unit"),
        Op("softmax", ("torch.softmax", "torch.special.softmax", "F.softmax", "tf.nn.softmax",
                       "tf.math.softmax", "keras.ops.softmax", "K.softmax",
                       "keras.activations.softmax", "jax.nn.softmax"), ("softmax",), result="unit"),
        Op("softplus", ("F.softplus", "tf.math.softplus", "tf.nn.softplus", "keras.ops.softplus",
                        "K.softplus", "keras.activations.softplus", "jax.nn.softplus"), ("softplus",),
           result="positive"),
        Op("clamp", ("torch.clamp", "torch.clip", "np.clip", "jnp.clip", "keras.ops.clip", "K.clip",
                     "tf.clip_by_value"), ("clamp", "clip")),
        Op("clamp_min", ("torch.clamp_min",), ("clamp_min",)),
        Op("clamp_max", ("torch.clamp_max",), ("clamp_max",)),
        Op("maximum", ("torch.maximum", "torch.fmax", "tf.maximum", "tf.math.maximum",
                       "keras.ops.maximum", "K.maximum", "np.maximum", "jnp.maximum"), ("maximum",)),
        Op("minimum", ("torch.minimum", "torch.fmin", "tf.minimum", "tf.math.minimum",
                       "keras.ops.minimum", "K.minimum", "np.minimum", "jnp.minimum"), ("minimum",)),
        Op("mean", ("torch.mean", "tf.reduce_mean", "tf.math.reduce_mean", "keras.ops.mean", "K.mean",
                    "np.mean", "jnp.mean"), ("mean",)),
        Op("sum", ("torch.sum", "tf.reduce_sum", "tf.math.reduce_sum", "keras.ops.sum", "K.sum",
                   "np.sum", "jnp.sum"), ("sum",)),
        Op("where", ("torch.where", "tf.where", "keras.ops.where", "K.switch", "np.where", "jnp.where"),
           ("where",)),
        Op("tanh", _spell("tanh", "F.tanh", math=True), ("tanh",), result="symmetric_unit"),
        Op("cosh", _spell("cosh", math=True), ("cosh",), result="at_least_one"),
        Op("sin", _spell("sin", math=True), ("sin",), result="symmetric_unit"),
        Op("cos", _spell("cos", math=True), ("cos",), result="symmetric_unit"),
        Op("erf", _spell("erf", "torch.special.erf", math=True), ("erf",), result="symmetric_unit"),
        Op("acos", _spell("acos", "torch.arccos", "np.arccos", "keras.ops.arccos", "jnp.arccos", math=True),
           ("acos", "arccos"), domain="unit"),
        Op("asin", _spell("asin", "torch.arcsin", "np.arcsin", "keras.ops.arcsin", "jnp.arcsin", math=True),
           ("asin", "arcsin"), domain="unit"),
        Op("atanh", _spell("atanh", "torch.arctanh", "np.arctanh", "keras.ops.arctanh", "jnp.arctanh", math=True),
           ("atanh", "arctanh"), domain="unit"),
        Op("cosine_similarity", ("F.cosine_similarity", "torch.cosine_similarity", "keras.losses.cosine_similarity",
                                 "keras.ops.cosine_similarity"), result="symmetric_unit"),
        Op("norm", ("torch.norm", "torch.linalg.norm", "torch.linalg.vector_norm", "tf.norm", "tf.linalg.norm",
                    "keras.ops.norm", "np.linalg.norm", "jnp.linalg.norm"), ("norm",), result="nonnegative"),
        Op("std", ("torch.std", "tf.math.reduce_std", "keras.ops.std", "K.std", "np.std", "jnp.std"), ("std",),
           result="nonnegative"),
        Op("var", ("torch.var", "tf.math.reduce_variance", "keras.ops.var", "K.var", "np.var", "jnp.var"),
           ("var",), result="nonnegative"),
        Op("squared_difference", ("tf.math.squared_difference", "tf.squared_difference"), result="nonnegative"),
        Op("max", ("torch.amax", "tf.reduce_max", "tf.math.reduce_max", "keras.ops.max", "K.max", "np.max",
                   "np.amax", "jnp.max"), ("amax",)),
        Op("min", ("torch.amin", "tf.reduce_min", "tf.math.reduce_min", "keras.ops.min", "K.min", "np.min",
                   "np.amin", "jnp.min"), ("amin",)),
        Op("relu", ("torch.relu", "F.relu", "tf.nn.relu", "keras.ops.relu", "K.relu",
                    "keras.activations.relu", "jax.nn.relu"), ("relu",)),
        Op("add", ("torch.add", "tf.add", "tf.math.add", "keras.ops.add", "np.add", "jnp.add"), ("add",)),
        Op("multiply", ("torch.mul", "torch.multiply", "tf.multiply", "tf.math.multiply", "keras.ops.multiply",
                        "np.multiply", "jnp.multiply"), ("mul", "multiply")),
        # Step functions: zero gradient almost everywhere (argmax/argmin: none at all).
        Op("round", _spell("round", "K.round"), ("round",), differentiable=False),
        Op("floor", _spell("floor", math=True), ("floor",), differentiable=False),
        Op("ceil", _spell("ceil", math=True), ("ceil",), differentiable=False),
        Op("sign", _spell("sign", "torch.sgn"), ("sign", "sgn"), differentiable=False),
        Op("argmax", _spell("argmax", "K.argmax"), ("argmax",), differentiable=False),
        Op("argmin", _spell("argmin", "K.argmin"), ("argmin",), differentiable=False),
        Op("epsilon", ("K.epsilon", "keras.config.epsilon")),
        Op("finfo", ("torch.finfo", "np.finfo", "jnp.finfo")),
        Op("pow", ("torch.pow", "tf.pow", "tf.math.pow", "keras.ops.power", "K.pow", "np.power",
                   "jnp.power", "math.pow"), ("pow",)),
    ]
}

# Method names are only taken as tensor ops when the receiver is not a module, ``self`` or a logger.
METHOD_OPS: dict[str, Op] = {m: op for op in OPS.values() for m in op.methods}
SPELLING_OPS: dict[str, Op] = {s: op for op in OPS.values() for s in op.spellings}

# How each framework spells an op when a fix has to write it: (module to import, attribute path).
FRAMEWORK_SPELLING: dict[str, dict[str, str]] = {
    "torch": {"log": "torch.log", "log2": "torch.log2", "log10": "torch.log10", "log1p": "torch.log1p",
              "exp": "torch.exp", "expm1": "torch.expm1", "sqrt": "torch.sqrt", "abs": "torch.abs",
              "square": "torch.square", "tanh": "torch.tanh", "mean": "torch.mean", "sum": "torch.sum",
              "clamp": "torch.clamp", "pow": "torch.pow", "sigmoid": "torch.sigmoid"},
    # torch.maximum/minimum/where need tensors on both sides where numpy takes scalars: no drop-in.
    "tf": {"log": "tf.math.log", "log1p": "tf.math.log1p", "exp": "tf.math.exp", "expm1": "tf.math.expm1",
           "sqrt": "tf.math.sqrt", "abs": "tf.math.abs", "square": "tf.math.square", "tanh": "tf.math.tanh",
           "mean": "tf.reduce_mean", "sum": "tf.reduce_sum", "clamp": "tf.clip_by_value",
           "maximum": "tf.maximum", "minimum": "tf.minimum", "where": "tf.where", "pow": "tf.pow",
           "sigmoid": "tf.math.sigmoid", "log10": None, "log2": None},
    "keras": {"log": "keras.ops.log", "log2": "keras.ops.log2", "log10": "keras.ops.log10",
              "log1p": "keras.ops.log1p", "exp": "keras.ops.exp", "expm1": "keras.ops.expm1",
              "sqrt": "keras.ops.sqrt", "abs": "keras.ops.abs", "square": "keras.ops.square",
              "tanh": "keras.ops.tanh", "mean": "keras.ops.mean", "sum": "keras.ops.sum",
              "clamp": "keras.ops.clip", "maximum": "keras.ops.maximum", "minimum": "keras.ops.minimum",
              "where": "keras.ops.where", "pow": "keras.ops.power", "sigmoid": "keras.ops.sigmoid"},
}

# Keyword renames when a numpy call is rewritten into a framework call; a keyword missing here
# means the rewrite is not offered.
KEYWORD_SPELLING: dict[str, dict[str, str]] = {
    "torch": {"axis": "dim", "keepdims": "keepdim"},
    "tf": {"axis": "axis", "keepdims": "keepdims"},
    "keras": {"axis": "axis", "keepdims": "keepdims"},
}
