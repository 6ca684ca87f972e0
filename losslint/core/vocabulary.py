"""What calls and methods produce, kept as data: value kinds, gradient cuts, loss APIs, sinks.

Names here are the *last part* of a normalized qualified name (``torch.zeros_like`` -> ``zeros_like``)
unless a table says it holds whole spellings. A new framework spelling is a new string, not code.
"""

from __future__ import annotations

import functools
import itertools
import re

# Framework calls that make a new tensor from shapes, numbers or noise: no gradient flows in.
CREATION = frozenset({
    "zeros", "ones", "full", "empty", "zeros_like", "ones_like", "full_like", "empty_like", "arange", "range",
    "linspace", "logspace", "eye", "rand", "randn", "randint", "randperm", "rand_like", "randn_like",
    "randint_like", "normal", "bernoulli", "multinomial", "poisson", "fill", "one_hot", "tril_indices",
    "triu_indices", "meshgrid", "uniform", "truncated_normal", "random_uniform", "random_normal",
    "sequence_mask", "ones_initializer", "zeros_initializer", "finfo", "iinfo", "tensor", "as_tensor",
    "from_numpy", "constant", "convert_to_tensor", "Tensor", "LongTensor", "FloatTensor", "BoolTensor",
})
# Of these, the ones that keep the value of a tensor argument; of those, the ones that keep its
# gradient too (torch.tensor(t) copies without history; as_tensor / convert_to_tensor pass t through).
WRAPPING = frozenset({"tensor", "as_tensor", "constant", "convert_to_tensor", "from_numpy", "Tensor"})
GRADIENT_KEEPING_WRAPS = frozenset({"as_tensor", "convert_to_tensor"})
# Results that are boolean masks: comparisons and tests.
MASK_RESULT = frozenset({
    "eq", "ne", "gt", "ge", "lt", "le", "greater", "less", "greater_equal", "less_equal", "equal",
    "not_equal", "isnan", "isinf", "isfinite", "isclose", "isposinf", "isneginf", "is_nan", "is_inf",
    "is_finite", "logical_and", "logical_or", "logical_not", "logical_xor", "isin", "signbit",
})
# Results that are Python booleans even on tensors.
BOOL_RESULT = frozenset({"allclose", "equal_all", "is_tensor", "is_floating_point", "is_complex",
                         "is_nonzero", "is_contiguous", "is_same_size", "array_equal"})
# Comparisons spelled as calls (``tf.greater(a, b)``, ``torch.gt(a, b)``, ``a.gt(b)``), by the
# comparison they mean: "<", "<=", ">", ">=", "==", "!=". Function names of every framework (under
# torch., tf., tf.math., keras.ops., K., np., jnp.) and tensor method names.
COMPARISON_FUNCTIONS = {
    "gt": ">", "greater": ">", "ge": ">=", "greater_equal": ">=", "lt": "<", "less": "<", "le": "<=",
    "less_equal": "<=", "eq": "==", "equal": "==", "ne": "!=", "not_equal": "!=",
}
COMPARISON_ROOTS = ("torch.", "tf.", "tf.math.", "keras.ops.", "K.", "np.", "jnp.")
COMPARISON_METHODS = frozenset({"gt", "ge", "lt", "le", "eq", "ne", "greater", "greater_equal", "less",
                                "less_equal", "not_equal"})
# In-place draws: the tensor's values are replaced by random ones (no gradient reaches them).
RANDOM_FILLS = frozenset({"uniform_", "normal_", "bernoulli_", "exponential_", "geometric_", "log_normal_",
                          "cauchy_", "random_"})
# torch spells its predicates ``is_*`` (``torch.is_grad_enabled``, ``torch.compiler.is_compiling``,
# ``torch._C._functorch.is_legacy_batchedtensor``): Python booleans. (tf.math.is_nan is a tensor.)
TORCH_PREDICATE_PREFIXES = ("is_", "_is_")


def python_bool_result(qualified: str) -> bool:
    """Does this framework function return a Python bool whatever its arguments?"""
    tail = qualified.rsplit(".", 1)[-1]
    return tail in BOOL_RESULT or (qualified.startswith("torch.") and tail.startswith(TORCH_PREDICATE_PREFIXES))


# Results that are integer tensors (indices, counts of discrete things).
INDEX_RESULT = frozenset({"argmax", "argmin", "argsort", "nonzero", "searchsorted", "bucketize", "argwhere",
                          "count_nonzero", "bincount", "unique", "unique_consecutive", "histc"})
# Differentiable in form, but with a zero gradient almost everywhere (step functions).
STEP = frozenset({"round", "floor", "ceil", "sign", "sgn", "trunc", "fix", "rint", "heaviside"})
# Calls and methods that cut the gradient and keep the value.
GRADIENT_CUTS = frozenset({"detach", "stop_gradient", "detach_", "lax.stop_gradient"})
# Tensor methods whose result is a Python number, a list, or numpy.
NUMBER_METHODS = frozenset({"item", "dim", "ndimension", "numel", "nelement", "element_size", "get_device",
                            "nbytes", "itemsize", "__len__", "count"})
LIST_METHODS = frozenset({"tolist"})
NUMPY_METHODS = frozenset({"numpy", "__array__"})
BOOL_METHODS = frozenset({"any", "all"})  # on a tensor: a 0-d boolean tensor
# Casts: to an integer or boolean tensor (no gradient), or keeping a float tensor.
INDEX_CASTS = frozenset({"long", "int", "short", "byte", "char", "int8", "int16", "int32", "int64", "uint8"})
MASK_CASTS = frozenset({"bool"})
INTEGER_DTYPES = frozenset({"long", "int", "int8", "int16", "int32", "int64", "uint8", "short", "bool", "byte"})
# Attributes of a tensor that are metadata, or another view of its values.
METADATA_ATTRIBUTES = frozenset({"device", "dtype", "shape", "ndim", "is_cuda", "requires_grad", "layout",
                                 "grad_fn", "is_leaf", "names", "itemsize", "nbytes"})
VALUE_ATTRIBUTES = frozenset({"T", "mT", "H", "mH", "real", "imag"})
GRADIENT_FREE_ATTRIBUTES = frozenset({"data", "grad"})

# The math, random and builtin functions of Python numbers.
NUMBER_MODULES = frozenset({"math", "random", "statistics", "operator"})
NUMBER_BUILTINS = frozenset({"len", "int", "float", "round", "bool", "abs", "pow", "divmod", "hash", "ord", "id"})
CONTAINER_BUILTINS = frozenset({"list", "tuple", "dict", "set", "frozenset", "sorted", "zip", "enumerate",
                                "range", "reversed", "map", "filter", "vars", "dir"})
STRING_BUILTINS = frozenset({"str", "repr", "format", "chr", "type", "isinstance", "issubclass", "hasattr",
                             "callable", "getattr"})
TENSOR_ROOTS = frozenset({"torch", "F", "tf", "keras", "K", "jnp", "jax", "nn", "optax", "flax", "tensorflow"})

# Framework functions of tensors that the op table does not list (their arguments are tensors).
TENSOR_FUNCTIONS = frozenset({
    "matmul", "mm", "bmm", "einsum", "cat", "concat", "concatenate", "stack", "log_softmax", "normalize",
    "l2_normalize", "gather", "gather_nd", "index_select", "masked_fill", "masked_select", "scatter", "scatter_add",
    "one_hot", "cdist", "pairwise_distance", "dot", "tensordot", "transpose", "reshape", "squeeze", "unsqueeze",
    "expand_dims", "flatten", "cumsum", "cumprod", "prod", "reduce_prod", "logsumexp", "reduce_logsumexp",
    "topk", "sort", "argsort", "argmax", "argmin", "eq", "ne", "gt", "ge", "lt", "le", "greater", "less", "equal",
    "not_equal", "isnan", "isinf", "isfinite", "logical_and", "logical_or", "logical_not", "where", "clamp", "clip",
    "clip_by_value", "relu", "gelu", "tanh", "silu", "elu", "leaky_relu", "dropout", "linear", "conv1d", "conv2d",
    "conv3d", "pad", "interpolate", "softmax", "sigmoid", "log_sigmoid", "logsigmoid", "softplus", "detach",
    "stop_gradient", "cast", "to_float", "to_int32", "to_int64", "stack", "unstack", "split", "chunk", "tile",
    "repeat_interleave", "roll", "flip", "diag", "diagonal", "trace", "triu", "tril", "outer", "cross", "kron",
    "fft", "rfft", "irfft", "stft", "istft", "sequence_mask", "boolean_mask", "segment_sum", "unsorted_segment_sum",
    "reduce_any", "reduce_all", "count_nonzero", "nonzero", "bincount", "histc", "lgamma", "digamma", "erfinv",
    "log_ndtr", "ndtr", "square", "exp", "log", "sqrt", "abs", "mean", "sum", "reduce_mean", "reduce_sum", "max",
    "min", "reduce_max", "reduce_min", "maximum", "minimum", "pow", "norm", "std", "var", "isclose", "allclose",
    "atan2", "sin", "cos", "acos", "asin", "atanh", "floor", "ceil", "round", "sign", "trunc", "frac", "neg",
    "negative", "reciprocal", "rsqrt", "div", "divide", "true_divide", "mul", "multiply", "add", "subtract", "sub",
    "divide_no_nan", "squared_difference", "log1p", "expm1", "xlogy", "xlog1py", "logaddexp", "cosine_similarity",
})

# Loss APIs: calling one (or an object one constructs) computes a loss. Spellings are normalized.
LOSS_FUNCTION = re.compile(
    r"^(F\.(cross_entropy|nll_loss|binary_cross_entropy(_with_logits)?|mse_loss|l1_loss|smooth_l1_loss|"
    r"huber_loss|kl_div|cosine_embedding_loss|margin_ranking_loss|triplet_margin(_with_distance)?_loss|"
    r"ctc_loss|poisson_nll_loss|gaussian_nll_loss|hinge_embedding_loss|multilabel_margin_loss|"
    r"multilabel_soft_margin_loss|soft_margin_loss|multi_margin_loss)"
    r"|tf\.(nn\.\w*cross_entropy\w*|losses\.\w+|nn\.l2_loss|nn\.ctc_loss|nn\.log_poisson_loss|"
    r"nn\.weighted_cross_entropy_with_logits|contrib\.\w*losses\.\w+)"
    r"|keras\.losses\.[a-z_]+|K\.(binary|categorical|sparse_categorical)_crossentropy"
    r"|keras\.ops\.(binary|categorical|sparse_categorical)_crossentropy"
    r"|optax\.(losses\.)?\w*(loss|entropy|divergence)\w*|optax\.(losses\.)?(l2_loss|huber_loss|log_cosh))$")
LOSS_CLASS = re.compile(r"^(torch\.nn\.\w+Loss|keras\.losses\.[A-Z]\w+|tf\.losses\.[A-Z]\w+)$")
# Model and layer constructors: calling what they build gives a prediction.
MODEL_CLASS = re.compile(r"^(torch\.nn\.(?!\w*Loss$)[A-Z]\w*|keras\.(layers\.[A-Z]\w*|Model|Sequential|models\.\w+)"
                         r"|keras\.applications\.\w+)$")

# Words of loss names (of a function, its class, or its file): a hint among the evidence, never
# enough alone. Matched on the name's words (``FocalLoss`` -> focal, loss; ``kl_div`` -> kl, div);
# the longer words also as a prefix or suffix of a word (``celoss``, ``xentropy``).
LOSS_TOKENS = ("loss", "criterion", "objective", "cost", "nll", "entropy", "xent", "bce", "mse", "mae", "dice",
               "focal", "kl", "kld", "divergence", "elbo", "likelihood", "contrastive", "triplet", "hinge",
               "penalty", "infonce", "ce", "regularization", "regularizer")
# Words that name other things too (an acquisition cost, an objective to maximise, a likelihood
# to report, an entropy to log): evidence only for code whose result carries the gradient.
WEAK_LOSS_TOKENS = frozenset({"cost", "objective", "likelihood", "penalty", "entropy", "regularization",
                              "regularizer"})
_AFFIX_TOKENS = tuple(w for w in LOSS_TOKENS if len(w) >= 5) + ("loss", "nll", "bce", "mse", "xent")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def name_words(name: str) -> list[str]:
    out = []
    for part in re.split(r"[_\W]+", name):
        out.extend(t.lower() for t in _CAMEL.findall(part))
    return out


def loss_words(name: str) -> set[str]:
    """The loss words a name holds (``focal_loss`` -> {"focal", "loss"}); a cross entropy is one."""
    found = set()
    words = name_words(name)
    if any(a == "cross" and b in ("entropy", "entropies") for a, b in zip(words, words[1:])) or any(
            w in ("crossentropy", "xentropy", "xent") for w in words):
        found.add("xent")
    for word in words:
        for token in LOSS_TOKENS:
            if word in (token, token + "s", token + "es") or (
                    token in _AFFIX_TOKENS and (word.startswith(token) or word.endswith(token)
                                                and (len(token) >= 4 or len(word) - len(token) <= 1))):
                # a short acronym ends a word only after one letter (rmse, wmse; not SGMSE, a model)
                found.add(token)
    return found


class LossText:
    """``search(data)``: does the text hold a name ``loss_words`` finds a word in (a superset,
    cheaply), or one of the ``extra`` strings as spelled? A prefilter for files and definitions:
    long words and affixes as substrings in any case; short words only where the name splitting
    above makes them a word (``dice_loss``, ``SoftDice``, ``KLDiv``, ``CE``; not ``indices``,
    ``sklearn``, ``face``).
    Substring tests on the lowered text first: one alternation regex over every file costs more
    than the rest of the prefilter."""

    def __init__(self, extra: tuple[str, ...] = ()) -> None:
        self.words = tuple(w.encode() for w in sorted(set(_AFFIX_TOKENS) | {"cost"}))
        self.extra = tuple(e.encode() for e in extra)  # as spelled
        self.short = {}
        for token in sorted(t for t in LOSS_TOKENS if not any(a in t for a in (*_AFFIX_TOKENS, "cost"))):
            forms = [f"(?<![A-Za-z]){token}(?:e?s)?(?![a-z])", f"{token.capitalize()}(?:e?s)?(?![a-z])",
                     f"(?<![A-Z]){token.upper()}"]
            self.short[token.encode()] = re.compile("|".join(forms).encode())

    def search(self, data: bytes) -> bool:
        if any(word in data for word in self.extra):
            return True
        lowered = data.lower()
        if any(word in lowered for word in self.words):
            return True
        return any(token in lowered and pattern.search(data) for token, pattern in self.short.items())


@functools.lru_cache(maxsize=1 << 12)
def prepares_targets(method: str) -> bool:
    """Does a method's name say it builds the training targets (``_get_targets``,
    ``build_targets``, ``assign``): values made from ground truth and detached predictions, which
    carry no gradient?"""
    words = name_words(method)
    return any(a in ("get", "build", "make", "prepare", "compute") and b in ("target", "targets")
               for a, b in itertools.pairwise(words)) or "assign" in words


@functools.lru_cache(maxsize=1 << 12)
def returns_a_loss(method: str) -> bool:
    """Does a method's name say it returns one loss: its last word a strong loss word
    (``loss``, ``compute_loss``, ``get_variational_loss``, ``kl_divergence``), not a record of
    them (``losses``) nor a setting of one (``loss_weight``, ``get_loss_scale``)?"""
    words = name_words(method)
    return bool(words) and not words[-1].endswith("es") and bool(loss_words(words[-1]) - WEAK_LOSS_TOKENS)


def strongly_loss_named(name: str) -> bool:
    return bool(loss_words(name) - WEAK_LOSS_TOKENS)


@functools.lru_cache(maxsize=1 << 16)
def loss_named(name: str) -> bool:
    return bool(loss_words(name))


@functools.lru_cache(maxsize=1 << 16)
def names_loss_api(name: str) -> bool:
    """Can ``name``, imported or called by a function, be what gives a loss (``F.cross_entropy``,
    ``nn.MSELoss``, ``tf.losses``, ``optax.softmax_cross_entropy``, a package's ``focal_loss``)?
    A weak word (``saturation_cost``, ``multi_objective``) names a loss API of no framework: only
    ``self.penalty(x)`` of a module is taken for one."""
    words = loss_words(name)
    return bool(words - WEAK_LOSS_TOKENS) or "entropy" in words


class _LossWords:
    """``LOSS_WORDS.search(name)``: does the name hold a loss word?"""

    @staticmethod
    def search(name: str) -> bool:
        return loss_named(name)


LOSS_WORDS = _LossWords()

# Words that mark code that is not a loss, whatever else it computes (matched as words, plurals too).
NOT_LOSS_TOKENS = frozenset({
    "metric", "accuracy", "acc", "precision", "recall", "f1", "auc", "psnr", "evaluate", "evaluation", "eval",
    "infer", "inference", "predict", "prediction", "sample", "sampler", "sampling", "schedule", "scheduler",
    "assign", "assigner", "encode", "encoder", "decode", "decoder", "decoding", "activation", "init",
    "initialize", "reset", "logging", "summary", "stat", "statistic", "test", "visualize", "plot", "postprocess",
    "preprocess", "generate", "generation", "decodes", "encodes"})


class _NotLossWords:
    """``NOT_LOSS_WORDS.search(name)``: does the name hold a word of code that is not a loss?"""

    @staticmethod
    def search(name: str) -> bool:
        words = name_words(name)
        if any(a == "get" and b in ("target", "targets") for a, b in zip(words, words[1:])):
            return True  # get_targets: target preparation
        return any(w in NOT_LOSS_TOKENS or (w.endswith("s") and w[:-1] in NOT_LOSS_TOKENS) for w in words)


NOT_LOSS_WORDS = _NotLossWords()
NOT_LOSS_BASES = re.compile(r"Metric|Scheduler|LRScheduler|Sampler|Assigner|Coder|Encoder$|TestCase|Callback|Transform$",)
# Packages of the data pipeline: a class deriving from one of theirs prepares inputs, not a loss.
DATA_PIPELINE_MODULES = frozenset({"transforms", "datasets", "augmentation", "albumentations"})

# Parameters that by name hold a prediction or a target (used only when no other evidence decides).
PREDICTION_NAME = re.compile(r"^(y_?pred\w*|preds?|predictions?|predicted|outputs?|logits?\w*|y_?hat|yhat|scores?|"
                             r"probs?|probabilities|inputs?|input_?tensor|x|z|h|out|output_?tensor|estimates?|"
                             r"est\w*|student_(logits|outputs?|preds?|scores?|log_?probs?)|\w*_logits|\w*_preds?|\w*_scores?|\w*_probs?|\w*_outputs?|"
                             r"embeddings?|features?|feats?)$", re.IGNORECASE)
TARGET_NAME = re.compile(r"^(y_?true|true|targets?|labels?|y|gt|ground_?truth|masks?|gt_\w+|\w*_targets?|"
                         r"\w*_labels?|\w*_mask|\w*_gt|weights?|sample_weights?|\w*_weights?|lengths?|\w*_lens?|"
                         r"\w*_lengths?|ids|\w*_ids|indices|\w*_index|\w*_idx|teacher\w*|ref|refs|reference\w*)$",
                         re.IGNORECASE)


def named_role(name: str) -> str | None:
    """"prediction" or "target" by the parameter's name alone; a name of both vocabularies
    (``est_target``: an estimate of the target; ``teacher_logits``) by its leading word."""
    prediction, target = bool(PREDICTION_NAME.match(name)), bool(TARGET_NAME.match(name))
    if prediction and target:
        head = name.split("_")[0]
        prediction, target = bool(PREDICTION_NAME.match(head)), bool(TARGET_NAME.match(head))
        if prediction == target:
            return None
    return "prediction" if prediction else "target" if target else None


# Parameters that by name hold numbers or settings.
# Lengths of sequences in a batch: integer data handed along with the inputs (``forward(xs, ilens)``).
LENGTH_NAME = re.compile(r"^(\w*_)?(i|o|x|y|src|tgt|text|feat|speech|seq|input|output|target|label)?_?(lens|lengths?)$",
                         re.IGNORECASE)
SCALAR_NAME = re.compile(r"^(self|cls|num_\w*|\w*_num|n_\w*|\w*_size|\w*dim\w*|axis|reduction|eps\w*|epsilon|smooth\w*|"
                         r"alpha|beta|gamma|delta|margin|temperature|tau|scale|k|threshold|\w*_?index|"
                         r"\w*_?idx|\w*_name|name|training|(\w*_)?step|\w*epoch\w*|\w*count|lr|learning_rate|momentum|"
                         r"ignore_index|label_smoothing|smoothing|reduce|size_average|from_logits|verbose|mode)$")

# Tensor methods whose result holds one value per (selected or rearranged) element of the receiver:
# a per-element loss stays per-element through them (``loss.view(-1)``, ``p.gather(1, idx)``).
PER_ELEMENT_METHODS = frozenset({"gather", "take_along_dim", "index_select", "masked_select", "view", "reshape",
                                 "flatten", "unsqueeze", "squeeze", "transpose", "permute", "contiguous", "float",
                                 "double", "half", "expand", "expand_as", "repeat", "view_as", "reshape_as"})
