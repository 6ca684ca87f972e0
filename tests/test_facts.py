"""The core facts on their own: intervals, value ranges, names, loss scopes."""

from __future__ import annotations

import math
import textwrap

import libcst as cst
import pytest

from losslint.core.facts import FileFacts
from losslint.core.interval import NONNEGATIVE, POSITIVE, UNIT, UNKNOWN, Interval
from losslint.core.walk import iter_nodes, walk


def facts_at(code: str, marker: str = "probe"):
    """The facts with the traversal stopped at the call ``probe(expr)``; returns (facts, expr)."""
    source = textwrap.dedent(code)
    module = cst.parse_module(source)
    facts = FileFacts(module, source)
    found = {}

    class Stop(Exception):
        pass

    class Probe:
        def visit_Call(self, node):
            if isinstance(node.func, cst.Name) and node.func.value == marker:
                found["expr"] = node.args[0].value
                raise Stop

    class Both:
        def __getattr__(self, name):
            probe = getattr(Probe(), name, None)
            if name.startswith("visit_"):
                def visit(node):
                    facts.enter(node)
                    if probe:
                        probe(node)
                return visit
            if name.startswith("leave_"):
                return facts.leave
            raise AttributeError(name)
    try:
        walk(module, Both())
    except Stop:
        pass
    return facts, found["expr"]


def range_of(code: str) -> Interval:
    facts, expr = facts_at(code)
    return facts.range(expr)


# -- intervals -------------------------------------------------------------------------------------
def test_interval_arithmetic():
    c = Interval.const
    assert UNIT.clamp(c(1e-7), None) == Interval(1e-7, 1, True, True)
    assert c(1) - UNIT == UNIT
    assert (NONNEGATIVE + c(1e-7)).is_positive
    assert UNKNOWN.square() == NONNEGATIVE
    assert (POSITIVE / POSITIVE).is_positive
    assert (POSITIVE / NONNEGATIVE).is_positive  # x / 0 is +inf, never <= 0
    assert (NONNEGATIVE / NONNEGATIVE) == NONNEGATIVE  # 0 / 0 is NaN, which no interval holds: signs are kept
    assert (-NONNEGATIVE / NONNEGATIVE).hi == 0
    assert (UNKNOWN / NONNEGATIVE) == UNKNOWN
    assert Interval(-1, 1, True, True).may_reach_unit
    assert not Interval(-1, 1, False, False).may_reach_unit
    assert UNIT.may_be_zero and not POSITIVE.may_be_zero


# -- ranges through code --------------------------------------------------------------------------
@pytest.mark.parametrize("code, expected", [
    ("import torch\nprobe(torch.sigmoid(x))", UNIT),
    ("import torch\nprobe(x.clamp(min=1e-7))", Interval(1e-7, math.inf, True, False)),
    ("import torch\nprobe(torch.clamp(x, 1e-6, 1.0))", Interval(1e-6, 1.0, True, True)),
    ("import tensorflow as tf\nprobe(tf.clip_by_value(x, 1e-7, 1.0))", Interval(1e-7, 1.0, True, True)),
    ("import tensorflow as tf\nprobe(tf.maximum(x, 1e-7))", Interval(1e-7, math.inf, True, False)),
    ("import torch.nn.functional as F\nprobe(F.softplus(x))", POSITIVE),
    ("import keras\nprobe(keras.ops.exp(x))", POSITIVE),
    ("import torch\nprobe(1 - torch.sigmoid(x))", UNIT),
    ("import torch\nprobe(torch.abs(x) + 1e-6)", Interval(1e-6, math.inf, True, False)),
    ("import torch\nprobe(x ** 2)", NONNEGATIVE),
    ("import torch\nprobe(x * x)", NONNEGATIVE),
    ("import torch\nprobe(torch.sigmoid(x).sum())", NONNEGATIVE),
    ("from tensorflow.keras import backend as K\nprobe(K.epsilon())", Interval.const(1e-7)),
    ("import torch\nprobe(torch.finfo(torch.float16).eps)", Interval.const(9.765625e-04)),
    ("import torch\nprobe(torch.where(c, torch.exp(x), 1.0))", POSITIVE),
    ("import torch\nprobe(torch.norm(x.clamp(min=1e-8), p='fro'))", POSITIVE),
    ("import torch\nprobe(torch.norm(x.clamp(min=0.0), p='fro'))", NONNEGATIVE),
    ("probe(x)", UNKNOWN),
])
def test_range_of_expressions(code, expected):
    assert range_of(code) == expected


def test_range_follows_local_assignments():
    assert range_of("""
        import torch
        def f(x):
            p = torch.sigmoid(x)
            q = p.clamp(min=1e-6)
            probe(q)
    """).is_positive


def test_range_is_flow_sensitive():
    assert not range_of("""
        import torch
        def f(x):
            q = x.clamp(min=1e-6)
            q = q - 1
            probe(q)
    """).is_positive


def test_range_joins_branches():
    value = range_of("""
        import torch
        def f(x, flag):
            if flag:
                q = torch.sigmoid(x)
            else:
                q = torch.exp(x)
            probe(q)
    """)
    assert value == NONNEGATIVE


def test_range_of_default_argument_module_constant_and_init_attribute():
    assert range_of("def f(x, eps=1e-6):\n    probe(eps)") == Interval.const(1e-6)
    assert range_of("EPS = 1e-8\ndef f(x):\n    probe(EPS)") == Interval.const(1e-8)
    assert range_of("""
        class L:
            def __init__(self, eps=1e-5):
                self.eps = eps
            def forward(self, x):
                probe(self.eps)
    """) == Interval.const(1e-5)


def test_range_of_same_module_helper():
    assert range_of("""
        import torch
        def safe(x):
            return x.clamp(min=1e-7)
        def f(x):
            probe(safe(x))
    """).is_positive


def test_masked_selection_excludes_zero():
    assert range_of("""
        import torch
        def f(x):
            s = torch.sigmoid(x).sum(dim=1)
            nz = s != 0
            probe(s[nz])
    """).is_positive


def test_eps_guard_recognised_through_names():
    facts, expr = facts_at("""
        import torch
        def f(p):
            q = p + 1e-7
            probe(q)
    """)
    assert facts.is_eps_guarded(expr)
    facts, expr = facts_at("def f(p):\n    probe(1 - p)")
    assert not facts.is_eps_guarded(expr)


# -- names ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("code, op, framework", [
    ("import torch\nprobe(torch.log(x))", "log", "torch"),
    ("import torch as th\nprobe(th.special.log1p(x))", "log1p", "torch"),
    ("import torch.nn.functional as F\nprobe(F.softplus(x))", "softplus", "torch"),
    ("from torch import log\nprobe(log(x))", "log", "torch"),
    ("import tensorflow as tf\nprobe(tf.math.log(x))", "log", "tf"),
    ("import tensorflow as tf\nprobe(tf.keras.backend.log(x))", "log", "keras"),
    ("from tensorflow.keras import backend as K\nprobe(K.log(x))", "log", "keras"),
    ("from keras import ops\nprobe(ops.log(x))", "log", "keras"),
    ("import tf_keras\nprobe(tf_keras.backend.log(x))", "log", "keras"),  # the Keras 2 package
    ("import tf_keras as tfk\nprobe(tfk.backend.exp(x))", "exp", "keras"),
    ("import numpy as np\nprobe(np.log(x))", "log", "numpy"),
    ("probe(tf.math.log(x))", "log", "tf"),  # a snippet: the conventional alias
    ("probe(x.log())", "log", "tensor"),
    ("probe((1 + x).log1p())", "log1p", "tensor"),
])
def test_names_resolve_to_canonical_ops(code, op, framework):
    facts, expr = facts_at(code)
    meaning = facts.meaning(expr)
    assert (meaning.op.name, meaning.framework) == (op, framework)


@pytest.mark.parametrize("code", [
    "probe(self.log('loss', x))",
    "probe(logger.log(x))",
    "import math as np\nprobe(np.foo(x))",
    "tf = object()\nprobe(tf.math.log(x))",  # bound locally: not tensorflow
    "import torch\nprobe(torch.nn.Linear(3, 4))",
])
def test_names_that_are_not_ops(code):
    facts, expr = facts_at(code)
    assert facts.meaning(expr) is None


# -- loss scopes ------------------------------------------------------------------------------------
def loss_functions(code: str) -> set[str]:
    facts = FileFacts(cst.parse_module(textwrap.dedent(code)), textwrap.dedent(code))
    return {f.qualname for f in facts.scopes.functions}


def test_scope_by_name_and_class():
    assert loss_functions("""
        import torch.nn as nn
        import keras
        def dice_loss(a, b): return 1 - 2 * (a * b).sum() / (a.sum() + b.sum())
        def my_criterion(a, b): return (a - b).abs().mean()
        def loss_name(a): return "loss/" + a
        def loss_weight(): return 0.5
        def train_step(a): pass
        class FocalLoss(nn.Module):
            def forward(self, x): pass
            def extra(self): pass
        class Net(nn.Module):
            def forward(self, x): pass
        class Custom(keras.losses.Loss):
            def call(self, y_true, y_pred): pass
    """) == {"dice_loss", "my_criterion", "FocalLoss.forward", "Custom.call"}  # a name alone is not evidence


def test_scope_by_use():
    assert loss_functions("""
        import tensorflow as tf
        def custom(y_true, y_pred): return helper(y_pred)
        def helper(v): return v
        def other(a, b): pass
        def third(a, b): pass
        def fourth(a): pass
        model.compile(optimizer="adam", loss=custom)
        loss_fn = other
        out = third(x, y)
        out.backward()
    """) == {"custom", "helper", "other", "third"}


def test_scope_of_statements_before_backward_and_tape():
    source = textwrap.dedent("""
        import tensorflow as tf
        def train(x, y):
            logits = model(x)
            unrelated = 3
            loss = tf.reduce_mean(logits - y)
            loss.backward()
        def step(x):
            with tf.GradientTape() as tape:
                value = tf.reduce_sum(model(x))
            return tape.gradient(value, model.trainable_variables)
    """)
    facts = FileFacts(cst.parse_module(source), source)
    lines = {cst.Module([]).code_for_node(s).strip() for s in facts.scopes.statements}
    assert lines == {"logits = model(x)", "loss = tf.reduce_mean(logits - y)",
                     "value = tf.reduce_sum(model(x))"}


def test_scope_from_config_patterns():
    source = "def kl_term(a, b): pass\ndef other(a): pass\n"
    facts = FileFacts(cst.parse_module(source), source, ("kl_*",))
    assert {f.name for f in facts.scopes.functions} == {"kl_term"}


def test_walk_skips_layout_nodes():
    module = cst.parse_module("x = (a  +  b)  # c\n")
    kinds = {type(n).__name__ for n in iter_nodes(module)}
    assert "SimpleWhitespace" not in kinds and "BinaryOperation" in kinds


def test_item_assignment_widens_the_range():
    value = range_of("""
        import torch
        def f(idx):
            counts = torch.zeros(3)
            counts[idx] = 1
            probe(counts)
    """)
    assert value == Interval(0.0, 1.0, True, True)


def test_selection_intersects():
    assert range_of("""
        import torch
        def f(x):
            n = torch.zeros(3)
            probe(n[n > 0])
    """) == Interval(0.0, math.inf, False, False)
    assert Interval(0, 1, True, True).intersect(Interval(0, math.inf, False, False)) == Interval(0, 1, False, True)


def test_zeroing_a_diagonal_keeps_the_sign():
    assert range_of("""
        import torch
        def f(d, n):
            s = torch.exp(d)
            y = torch.eye(n)
            probe(s - s * y)
    """) == Interval(0.0, math.inf, True, False)


def test_provenance_ignores_metadata_reads():
    facts, expr = facts_at("""
        import torch
        def focal_loss(input, target, alpha=0.25):
            alpha_t = torch.tensor(alpha, device=input.device, dtype=input.dtype)
            axes = torch.arange(2, len(input.shape))
            probe(alpha_t + axes)
    """)
    assert not facts.is_prediction_derived(expr)
    facts, expr = facts_at("import torch\ndef l(input, target):\n    probe(input.sigmoid() * 2)")
    assert facts.is_prediction_derived(expr)


def test_a_value_cut_short_by_the_depth_bound_is_not_what_a_shallower_query_gets():
    from losslint.core.values import MAX_DEPTH, Grad

    facts, expr = facts_at("""
        import torch

        def mask_loss(pred, target):
            mask = (target == 1).float()
            return probe(mask) * pred
    """)
    env, function = facts.env(), facts.function
    facts.values._cache.clear()  # asked first from deep inside another value's computation
    deep = facts.values.value(expr, env, function, None, MAX_DEPTH)  # the binding lies past the bound
    assert deep.grad is Grad.MAYBE
    assert facts.values.value(expr, env, function).grad is Grad.NO


BINARY_SEARCH = 'import torch\n\n\ndef binary_search(activations, t, num_iters):\n    mu, _ = torch.max(activations, -1, keepdim=True)\n    normalized = activations - mu\n    effective_dim = torch.sum((normalized > -1.0 / (1.0 - t)).to(torch.int32), dim=-1, keepdim=True).to(activations.dtype)\n    lower = torch.zeros_like(mu)\n    upper = torch.log(effective_dim) * torch.ones_like(lower)\n    for _ in range(num_iters):\n        middle = (upper + lower) / 2.0\n        sum_probs = torch.sum(torch.exp(normalized - middle), dim=-1, keepdim=True)\n        update = (sum_probs < 1.0).to(activations.dtype)\n        lower = lower * update + (1.0 - update) * middle\n        upper = upper * (1.0 - update) + update * middle\n    return (upper + lower) / 2.0 + mu\n'
CUSTOM_FUNCTION = 'class ComputeNormalization(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, activations, t, num_iters):\n        return binary_search(activations, t, num_iters)\n\n    @staticmethod\n    def backward(ctx, grad_output):\n        return grad_output, None, None\n'


def test_a_custom_autograd_forward_and_the_helpers_only_it_calls_run_without_gradient():
    # pytorch_toolbelt's bi-tempered loss: a binary search whose steps autograd never sees.
    from tests.conftest import lint

    # Still loss code (its value is the loss's, through Function.apply): the log of a count that may
    # be 0 is reported, the steps are not.
    applied = BINARY_SEARCH + "\n\n" + CUSTOM_FUNCTION + \
        "\n\ndef tempered_loss(a, t):\n    return ComputeNormalization.apply(a, t, 5).mean()\n"
    assert [d.code for d in lint(applied, filename="bitempered_loss.py")] == ["LL201"]
    # Called by nothing, a helper of a losses module whose value carries no gradient is no loss.
    assert lint(BINARY_SEARCH + "\n\n" + CUSTOM_FUNCTION, filename="bitempered_loss.py") == []
    called_by_a_loss = BINARY_SEARCH + "\n\ndef tempered_loss(a, t):\n    return binary_search(a, t, 5).mean()\n"
    assert [d.code for d in lint(called_by_a_loss, filename="bitempered_loss.py")] == ["LL103", "LL201", "LL103"]


def test_attributes_fixed_when_a_module_is_built_are_settings():
    from losslint.core.values import Grad

    module = """
        import torch
        import torch.nn as nn

        class KLLoss(nn.Module):
            def __init__(self, args, ratio):
                super().__init__()
                self.smoothing = args.label_smoothing
                self.register_buffer("ratio", torch.tensor(ratio))
                self.temperature = nn.Parameter(torch.tensor(0.07))
                self.scale = torch.ones(1, requires_grad=True)
                self.running = torch.zeros(1)

            def forward(self, logits, target):
                self.running.mul_(0.9).add_(logits.detach().mean())
                return probe(EXPR)
    """
    for expr, grad, constant in [("self.smoothing", Grad.NO, True), ("self.ratio.log()", Grad.NO, True),
                                 ("self.temperature", Grad.YES, False), ("self.scale", Grad.YES, False),
                                 ("self.running", Grad.NO, False)]:
        facts, node = facts_at(module.replace("EXPR", expr))
        value = facts.value(node)
        assert (value.grad, value.is_constant) == (grad, constant), expr
    # A distribution is built from the tensors themselves: what its __init__ keeps is not a setting.
    facts, node = facts_at("""
        import torch
        from torch.distributions import Distribution

        class Tailed(Distribution):
            def __init__(self, spread):
                self.spread = spread

            def log_prob(self, x):
                return probe(self.spread)
    """)
    assert not facts.value(node).is_constant


def test_a_parameter_every_caller_hands_a_setting_is_a_setting():
    from losslint.core.values import Grad

    facts, node = facts_at("""
        import torch

        def focal(input, target, alpha: float | torch.Tensor | None = None):
            alpha_t = alpha.to(device=input.device)
            return probe(alpha_t) * input

        class FocalLoss(torch.nn.modules.loss._Loss):
            def __init__(self, alpha=0.25):
                super().__init__()
                self.alpha = alpha

            def forward(self, input, target):
                return focal(input, target, self.alpha)
    """)
    assert facts.value(node).grad is Grad.NO


def test_a_helper_first_met_deep_in_another_value_is_not_cut_short_for_later_queries():
    # The helper's result, asked first through a long chain of bindings, used to be cached as
    # unknown (with a possible gradient) for every later query.
    from tests.conftest import lint

    source = textwrap.dedent("""
        import torch

        class TukeyLoss(Base):
            def masked_mean(self, x, mask, dim):
                x_nan = x.masked_fill(mask < 1, float("nan"))
                x_mean = x_nan.nanmean(dim=dim, keepdim=True)
                return torch.nan_to_num(x_mean, nan=0.0)

            def __call__(self, y: torch.Tensor, y_hat: torch.Tensor, mask=None):
                if mask is None:
                    mask = torch.ones_like(y_hat)
                y_mean = self.masked_mean(x=y, mask=mask, dim=-1)
                y_std = torch.sqrt(self.masked_mean(x=(y - y_mean) ** 2, mask=mask, dim=-1)) + 1e-2
                return ((y_hat - y) / y_std).abs().mean()
    """)
    assert [d.code for d in lint(source, filename="tukey.py")] == []  # sqrt of the targets' spread: no gradient


def test_a_data_transform_is_not_loss_code_whatever_its_name():
    from tests.conftest import lint

    source = textwrap.dedent("""
        import math
        import torch
        from torchvision import transforms

        class MAERandomResizedCrop(transforms.RandomResizedCrop):
            @staticmethod
            def get_params(img, scale, ratio):
                width, height = img.size
                target_area = height * width * torch.empty(1).uniform_(scale[0], scale[1]).item()
                return int(round(math.sqrt(target_area))), width

            def forward(self, img):
                i, j = self.get_params(img, self.scale, self.ratio)
                return img[i:j]
    """)
    assert lint(source, filename="processing.py") == []


def test_an_eps_guard_survives_normalizing_by_the_sum():
    from tests.conftest import lint

    guarded = """
        import jax.numpy as jnp
        EPS = 1e-6

        def entropy_loss(x):
            x += EPS
            x /= jnp.sum(x)
            return -jnp.sum(x * jnp.log(x))
    """
    assert lint(guarded, codes={"LL201"}) == []
    unguarded = guarded.replace("            x += EPS\n", "")
    assert [d.code for d in lint(unguarded, codes={"LL201"})] == ["LL201"]


def test_tensors_compared_for_equality_hold_discrete_values():
    from tests.conftest import lint

    # DetCon's region masks: integer indices compared with each other, a target, not a step.
    same_region = """
        import torch

        def same_mask(mask0, mask1):
            return (mask0.unsqueeze(2) == mask1.unsqueeze(1)).float()

        def region_loss(pred, mask0, mask1):
            return (same_mask(mask0, mask1) * pred).sum()
    """
    assert lint(same_region, codes={"LL103"}) == []
    # The name rebound to the argmax of the prediction first: the comparison is a step.
    zero_one = """
        import torch

        def zero_one_loss(predictions, targets):
            predictions = predictions.argmax(-1)
            return (predictions != targets).float().mean()
    """
    assert [d.code for d in lint(zero_one, codes={"LL103"})] == ["LL103", "LL103"]


def test_a_checked_condition_holds_after_it_until_the_name_is_rebound():
    from tests.conftest import lint

    checked = """
        import torch

        def cost_loss(deltas, cost):
            if not torch.all(cost > 0.0):
                raise ValueError("costs must be positive")
            return (deltas - torch.log(cost)).mean()

        def cost_loss_any(deltas, cost):
            if (cost <= 0).any():
                raise ValueError("costs must be positive")
            return (deltas - torch.log(cost)).mean()

        def cost_loss_assert(deltas, cost):
            assert (cost > 0).all()
            cost = cost.float()
            return (deltas - torch.log(cost)).mean()

        def summed_cost_loss(deltas, cost):
            # botorch's cost-aware utility: checked, then summed over the q-batch; a sum of
            # positive costs is positive.
            if not torch.all(cost > 0.0):
                raise ValueError("costs must be positive")
            cost = cost.sum(dim=-1)
            return (deltas - torch.log(cost)).mean()

        def margin_loss(x, probs):
            if (probs <= 0.5).any():
                raise ValueError("probabilities must exceed 0.5")
            return (x * torch.log(probs - 0.5)).mean()
    """
    assert lint(checked, codes={"LL201"}) == []
    at_the_bound = """
        import torch

        def margin_loss(x, probs):
            if (probs < 0.5).any():
                raise ValueError("probabilities must be at least 0.5")
            return (x * torch.log(probs - 0.5)).mean()
    """
    assert [d.message.split(":")[0] for d in lint(at_the_bound, codes={"LL201"})] == [
        "`log` of a value that may be zero"]
    rebound = """
        import torch

        def cost_loss(deltas, cost):
            if not torch.all(cost > 0.0):
                raise ValueError("costs must be positive")
            cost = cost - 1
            return (deltas - torch.log(cost)).mean()

        def inverted_check_loss(deltas, cost):
            if (cost > 0).any():
                raise ValueError("one positive cost is enough to refuse")
            return (deltas - torch.log(cost)).mean()
    """
    assert [d.code for d in lint(rebound, codes={"LL201"})] == ["LL201", "LL201"]


def test_a_call_takes_the_branches_its_settings_decide_and_runs_the_function_it_hands_in():
    from tests.conftest import lint

    # speechbrain's classification_error: an error rate beside the losses, computed by handing a
    # nested function to the masked-loss helper; label smoothing (which would mix the prediction
    # in) is off by default, so the result carries no gradient: a metric, not loss code.
    metric = """
        import torch

        def reduce_loss(loss, mask, label_smoothing=0.0, predictions=None):
            loss = loss.sum() / mask.sum().clamp(min=1)
            if label_smoothing == 0:
                return loss
            return (1 - label_smoothing) * loss - label_smoothing * predictions.mean()

        def compute_masked_loss(loss_fn, predictions, targets, length, label_smoothing=0.0):
            loss = loss_fn(predictions, targets)
            mask = (torch.arange(targets.shape[1])[None, :] < length[:, None]).float()
            return reduce_loss(loss * mask, mask, label_smoothing, predictions)

        def classification_error(probabilities, targets, length):
            def error(predictions, targets):
                predictions = torch.argmax(predictions, dim=-1)
                return (predictions != targets).float()

            return compute_masked_loss(error, probabilities, targets, length)
    """
    assert lint(metric, codes={"LL103"}, filename="losses.py") == []
    # Smoothed, the prediction reaches the result: the function is loss code, and its step is reported.
    smoothed = metric.replace("return compute_masked_loss(error, probabilities, targets, length)",
                              "return compute_masked_loss(error, probabilities, targets, length, 0.1)")
    assert [d.code for d in lint(smoothed, codes={"LL103"}, filename="losses.py")] == ["LL103", "LL103"]


def test_an_infinite_weight_the_code_replaces_is_not_reported():
    from tests.conftest import lint

    # MONAI's generalized Dice: 1 / count**2 of the labels, inf for an absent class, then replaced.
    repaired = """
        import torch

        class GeneralizedDiceLoss(torch.nn.modules.loss._Loss):
            def w_func(self, grnd):
                return torch.reciprocal(grnd * grnd)

            def forward(self, input, target):
                ground_o = torch.sum(target, (2, 3))
                w = self.w_func(ground_o.float())
                infs = torch.isinf(w)
                w[infs] = 0.0
                w = w + infs * torch.max(w)
                intersection = (w * (input * target).sum((2, 3))).sum()
                return 1.0 - 2.0 * intersection / (w * (input + target).sum((2, 3))).sum().clamp(min=1e-5)
    """
    assert lint(repaired, codes={"LL202"}) == []
    not_repaired = repaired.replace("                infs = torch.isinf(w)\n", "                infs = w > 1e6\n")
    assert [d.code for d in lint(not_repaired, codes={"LL202"})] == ["LL202"]


def test_a_power_of_probabilities_and_a_transpose_keep_the_sign():
    assert range_of("import torch\nprobe(torch.softmax(x, -1) ** (1.0 / t))") == NONNEGATIVE
    assert range_of("import torch\nprobe(torch.softmax(x, -1).pow(t))") == NONNEGATIVE
    assert range_of("import torch\nprobe(torch.softmax(x, -1).T)") == UNIT


def test_a_helper_summary_holds_however_deep_the_caller_asks():
    # MSN's targets: softmax -> sharpen (a power, normalized) -> sinkhorn (normalized in a loop,
    # rebinding the name at each step). Each helper's range is its own summary, not cut short by
    # the depth at which the loss reads it.
    from tests.conftest import lint

    code = """
        import torch
        import torch.nn.functional as F

        def sharpen(p, temperature):
            p = p ** (1.0 / temperature)
            p /= torch.sum(p, dim=1, keepdim=True)
            return p

        @torch.no_grad()
        def sinkhorn(p, iterations=3):
            rows, cols = p.shape
            p = p.T
            p = p / torch.sum(p)
            for _ in range(iterations):
                p /= torch.sum(p, dim=1, keepdim=True)
                p /= cols
                p /= torch.sum(p, dim=0, keepdim=True)
                p /= rows
            p *= rows
            return p.T

        def msn_loss(anchors, targets, prototypes):
            anchor_probs = F.softmax(anchors @ prototypes.T / 0.1, dim=1)
            with torch.no_grad():
                target_probs = F.softmax(targets @ prototypes.T / 0.1, dim=1)
                target_probs = sharpen(target_probs, temperature=0.25)
                target_probs = sinkhorn(target_probs)
            return torch.mean(torch.sum(torch.log(anchor_probs ** (-target_probs)), dim=1))
    """
    assert lint(code, codes={"LL201"}) == []
    # p ** (-t) with p in [0, 1] is at least 1 only while t >= 0: a target that may be negative is reported.
    signed = code.replace("target_probs = sinkhorn(target_probs)", "target_probs = sinkhorn(target_probs) - 0.5")
    assert [d.code for d in lint(signed, codes={"LL201"})] == ["LL201"]


def test_values_scattered_into_a_tensor_carry_their_gradient():
    # A histogram density built by scatter_add_ of interpolation weights into zeros: the weights'
    # gradient reaches the loss through it, so the floor that picks the bins cuts nothing.
    from tests.conftest import lint

    code = """
        import torch

        def histogram_loss(pos_dists, neg_dists, delta=0.01):
            densities = []
            for distances in (pos_dists, neg_dists):
                r_star = torch.floor((distances + 1) / delta).long()
                w = (distances + 1 - r_star * delta) / delta
                density = torch.zeros(round(1 + 2 / delta))
                density.scatter_add_(0, r_star, w)
                densities.append(density / distances.size(0))
            return torch.sum(densities[1] * torch.cumsum(densities[0], dim=0))
    """
    assert lint(code, codes={"LL103"}) == []
    scatter = "import torch\ndef loss(logits, idx):\n    d = torch.zeros(3)\n    return probe(d.scatter_add(0, idx, {}))"
    facts, expr = facts_at(scatter.format("logits.sigmoid()"))
    assert facts.value(expr).carries_gradient
    facts, expr = facts_at(scatter.format("torch.ones(3)"))
    assert not facts.value(expr).carries_gradient


def test_builtin_max_of_a_detached_prediction_is_reported_and_of_a_count_is_not():
    from tests.conftest import lint

    detached = """
        import torch

        def circle_loss(scores, gamma=80.0, margin=0.25):
            weight = max(0, scores.detach() + margin)
            return torch.logsumexp(gamma * weight * (scores - margin), dim=0)
    """
    assert [d.code for d in lint(detached, codes={"LL104"})] == ["LL104"]
    count = """
        import torch
        import torch.nn.functional as F

        def detection_loss(scores, labels, num_fg_per_image):
            num_pos = torch.tensor(sum(num_fg_per_image), dtype=torch.float)
            return F.binary_cross_entropy_with_logits(scores, labels, reduction="sum") / max(num_pos, 1.0)
    """
    assert lint(count, codes={"LL104"}) == []


@pytest.mark.parametrize("first, second, first_role", [
    ("est_targets", "targets", "prediction"),  # an estimate of the targets (asteroid's convention)
    ("teacher_logits", "student_logits", "target"),  # a teacher's logits carry no gradient
    ("pred", "gt_boxes", "prediction"),
])
def test_a_name_of_both_vocabularies_is_read_by_its_leading_word(first, second, first_role):
    facts, expr = facts_at(f"""
        import torch

        def spectral_loss({first}, {second}):
            return probe(torch.norm({first} - {second}, p=1))
        """)
    value = facts.value(expr.args[0].value.left)
    assert ("prediction" in value.provenance) == (first_role == "prediction")
    assert ("target" in value.provenance) == (first_role == "target")


def test_a_function_returning_a_loss_api_on_one_path_is_loss_code():
    # torchvision's maskrcnn_loss: an empty batch returns ``logits.sum() * 0`` first.
    assert loss_functions("""
        import torch.nn.functional as F
        def mask_terms(mask_logits, mask_targets):
            if mask_targets.numel() == 0:
                return mask_logits.sum() * 0
            return F.binary_cross_entropy_with_logits(mask_logits, mask_targets)
        def summary(mask_logits):
            if mask_logits.numel() == 0:
                return mask_logits.sum() * 0
            return mask_logits.mean()
    """) == {"mask_terms"}


@pytest.mark.parametrize("expression, kind", [
    ("torch.min(pred - 1, pred.new_zeros(pred.size()))", "tensor"),  # the elementwise minimum
    ("pred.max(pred.new_zeros(pred.size()))", "tensor"),
    ("torch.max(pred, other=target)", "tensor"),
    ("torch.min(pred, 1)", "container"),  # (values, indices) along dim 1
    ("pred.max(dim=-1)", "container"),
])
def test_max_and_min_of_two_tensors_is_one_tensor(expression, kind):
    facts, expr = facts_at(f"""
        import torch

        def hinge_loss(pred, target):
            return probe({expression})
        """)
    assert facts.value(expr).kind.value == kind


def _scopes_of(path, source: str):
    source = textwrap.dedent(source)
    path.write_text(source)
    return FileFacts(cst.parse_module(source), source, (), None, str(path)).scopes


def test_loss_code_by_content_reached_through_bindings_helpers_and_other_modules(tmp_path):
    # None of these is named like a loss: each returns what a loss API gives, by another route.
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "terms.py").write_text(textwrap.dedent("""
        import torch.nn.functional as F

        def _inner(logits, labels):
            return F.cross_entropy(logits, labels)

        def compute(logits, labels):
            return _inner(logits, labels) * 0.5
    """))
    scopes = _scopes_of(package / "heads.py", """
        import torch.nn as nn
        from torch.nn.functional import cross_entropy as ce
        from .terms import compute
        from . import terms

        CRITERION = nn.MSELoss()

        def by_alias(logits, labels):
            return ce(logits, labels)

        def by_module_object(pred, target):
            return CRITERION(pred, target)

        def by_helper(pred, target):
            return by_module_object(pred, target) + 1.0

        def by_sibling(logits, labels):
            return compute(logits, labels)

        def by_sibling_module(logits, labels):
            return terms.compute(logits, labels)

        class Head(nn.Module):
            fn = nn.SmoothL1Loss()

            def __init__(self):
                super().__init__()
                self.measure = nn.BCEWithLogitsLoss()

            def by_attribute(self, logits, labels):
                return self.measure(logits, labels)

            def by_class_attribute(self, pred, target):
                return self.fn(pred, target)

        def area(boxes):
            return (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    """)
    assert {f.qualname for f in scopes.functions} == {
        "by_alias", "by_module_object", "by_helper", "by_sibling", "by_sibling_module",
        "Head.by_attribute", "Head.by_class_attribute"}
    assert "area" not in {f.qualname for f in scopes.loss_bearing()}


def test_what_cannot_carry_a_loss_is_not_evaluated_for_one(tmp_path):
    # A variable named ``cost``, an imported class named for an objective, a helper of another
    # module that computes sizes: none is a call that gives a loss, so the returns are never asked.
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "geometry.py").write_text("def area(boxes):\n    saturation_cost = 1.0\n    return boxes.prod(-1)\n")
    scopes = _scopes_of(package / "planner.py", """
        import torch
        from otherpkg.objectives import IdentityObjective
        from .geometry import area

        def route(boxes):
            cost = torch.relu(boxes).sum()
            return cost

        def make():
            return IdentityObjective()

        def sizes(boxes):
            return area(boxes)
    """)
    assert scopes.loss_bearing() == set()
    assert scopes.functions == set()


def test_a_loop_variable_is_an_element_of_what_the_loop_goes_through():
    from losslint.core.values import Grad, Kind

    def value(code: str):
        facts, expr = facts_at(code)
        return facts.value(expr)

    # Rows of a tensor are tensors, with its gradient; items of a list of settings are settings.
    rows = value("""
        import torch

        def loss(logits, target):
            probs = torch.softmax(logits, -1)
            for row in probs:
                probe(row)
    """)
    assert rows.kind is Kind.TENSOR and rows.grad is Grad.YES
    settings = value("""
        def loss(x):
            for eps in [1e-3, 1e-4]:
                probe(eps)
    """)
    assert settings.kind is Kind.NUMBER and settings.is_constant
    # Through zip and enumerate, each name by the sequence it comes from; a position is an int.
    pairs = """
        import torch

        def loss(logits, weights):
            probs = torch.sigmoid(logits)
            for i, (p, w) in enumerate(zip(probs, [1.0, 2.0])):
                probe({})
    """
    assert value(pairs.format("p")).grad is Grad.YES
    assert value(pairs.format("w")).is_constant
    assert value(pairs.format("i")).kind is Kind.NUMBER
    # A mapping's keys, and items of what we do not know, stay unknown, unless the body uses them as tensors.
    assert value("""
        def loss(x):
            for key in {"a": 1.0}:
                probe(key)
    """).kind is Kind.UNKNOWN
    used = """
        def loss(targets, matched):
            for targets_per_image, matched_per_image in zip(targets, matched):
                {}
                probe(matched_per_image)
    """
    assert value(used.format("pass")).kind is Kind.UNKNOWN
    assert value(used.format("idx = matched_per_image.clip(min=0)")).kind is Kind.TENSOR


def test_builtin_max_of_a_loop_variable_used_as_a_tensor_is_found():
    from tests.conftest import lint

    # torchvision's FCOS loss, with the clip of the matched indices written as builtin max.
    code = """
        import torch
        import torch.nn.functional as F

        def compute_loss(pred_boxes, targets, matched_idxs):
            boxes = []
            for targets_per_image, matched_idxs_per_image in zip(targets, matched_idxs):
                labels = targets_per_image["labels"][matched_idxs_per_image.clip(min=0)]
                boxes.append(targets_per_image["boxes"][max(0, matched_idxs_per_image)])
            return F.l1_loss(pred_boxes, torch.stack(boxes))
    """
    assert [(d.code, d.location.row) for d in lint(code, codes={"LL104"})] == [("LL104", 8)]


def test_items_of_a_comprehension_are_what_its_element_computes():
    from losslint.core.values import Grad, Kind

    facts, expr = facts_at("""
        import tensorflow as tf

        def call(self, labels, predictions):
            cls_loss, box_loss = [tf.zeros(1) for _ in range(2)]
            probe(box_loss)
    """)
    assert facts.value(expr).kind is Kind.TENSOR
    facts, expr = facts_at("""
        import torch

        def loss(logits):
            probs = [torch.sigmoid(row) for row in torch.softmax(logits, -1)]
            probe(probs[0])
    """)
    assert facts.value(expr).kind is Kind.TENSOR and facts.value(expr).grad is Grad.YES
    # A comprehension's variable is its own, not the function's name of the same spelling.
    facts, expr = facts_at("""
        import torch

        def loss(logits, sizes):
            x = torch.softmax(logits, -1)
            counts = [x for x in sizes]
            probe(counts[0])
    """)
    assert facts.value(expr).kind is not Kind.TENSOR


def test_a_value_handed_to_an_optimizer_wrapper_is_a_loss_by_its_gradient_and_name():
    from tests.conftest import lint

    # tianshou's policy_optim.step(loss) backpropagates; the actor loss has no loss API of its own.
    code = """
        import torch

        class TD3BC:
            def update(self, batch):
                q_value = self.critic(batch.obs, self.actor(batch.obs))
                actor_loss = -q_value.mean() + torch.log(q_value).mean()
                self.policy_optim.step(actor_loss)
    """
    assert [d.code for d in lint(code, codes={"LL201"})] == ["LL201"]
    # torch's step(closure), or a step given a value no name calls a loss, is not a loss.
    assert lint(code.replace("actor_loss", "actor_term"), codes={"LL201"}) == []


def test_a_loss_stored_in_the_returned_object_is_on_the_loss_path():
    from tests.conftest import lint

    # peft's CPT: the loss is put on the model output, which is what the method returns.
    code = """
        import torch

        def calculate_loss(base_model_output, labels):
            probs = torch.softmax(base_model_output.logits, dim=-1)
            loss = -torch.log(probs).gather(-1, labels)
            base_model_output.loss = loss.mean()
            return base_model_output
    """
    assert [(d.code, d.location.row) for d in lint(code, codes={"LL214"})] == [("LL214", 5)]
    # Stored on the object itself, it is state, not the returned value.
    assert lint(code.replace("base_model_output.loss =", "self.last =").replace(
        "(base_model_output, labels)", "(self, base_model_output, labels)"), codes={"LL214"}) == []


def test_a_loss_api_call_is_loss_code_wherever_it_stands():
    from tests.conftest import lint

    # espnet's SLU forward, ignite's perplexity: the call's value is a loss, whatever the function.
    code = """
        import torch.nn.functional as F

        class Perplexity:
            def update(self, y_pred, y):
                nll = F.cross_entropy(F.softmax(y_pred, dim=-1), y, reduction="sum")
                self.total += nll.item()
    """
    assert [(d.code, d.location.row) for d in lint(code)] == [("LL219", 5)]
    # Only the call itself: the softmax's other uses in the function are not loss code.
    other = code.replace("self.total += nll.item()", "self.entropy = -(F.softmax(y_pred, -1) * y_pred).sum().item()")
    assert [(d.code, d.location.row) for d in lint(other)] == [("LL219", 5)]


def test_a_loss_kept_on_the_object_is_loss_code():
    from tests.conftest import lint

    # stable-baselines' GAIL discriminator: a TF1 graph whose loss is built in __init__ and kept for
    # the training code of another module.
    code = """
        import tensorflow as tf

        class Discriminator:
            def __init__(self, obs):
                logits = tf.layers.dense(obs, 1)
                labels = tf.ones_like(logits)
                expert_loss = -(labels * tf.log(tf.sigmoid(logits)) + (1 - labels) * tf.log(1 - tf.sigmoid(logits)))
                entropy_loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(logits=logits, labels=labels))
                self.total_loss = tf.reduce_mean(expert_loss) + entropy_loss
    """
    assert [(d.code, d.location.row) for d in lint(code, codes={"LL218"})] == [("LL218", 7)]
    # A reward kept on the object is not a loss: neither a loss API's value nor named one.
    reward = code.replace("self.total_loss = tf.reduce_mean(expert_loss) + entropy_loss",
                          "self.reward = -tf.reduce_mean(expert_loss)")
    assert lint(reward, codes={"LL218"}) == []


def test_a_loss_returned_in_a_record_beside_the_output_is_on_the_path():
    from tests.conftest import lint

    # tensor2tensor's model bodies return (output, {"training": loss}).
    code = """
        import tensorflow as tf

        class Similarity(T2TModel):
            def body(self, features):
                logits = self.encode(features)
                labels = features["labels"]
                loss = -(labels * tf.log(tf.sigmoid(logits)) + (1 - labels) * tf.log(1 - tf.sigmoid(logits)))
                return logits, {"training": loss}
    """
    assert [(d.code, d.location.row) for d in lint(code, codes={"LL218"})] == [("LL218", 7)]
    # Logged as a number, it is no loss.
    logged = code.replace('{"training": loss}', '{"training": float(loss.numpy().mean())}')
    assert lint(logged, codes={"LL218"}) == []


def test_names_unpacked_from_a_comprehension_over_a_literal_hold_each_its_own_value():
    # tensor2tensor's layer norm: epsilon, scale, bias = [cast_like(t, x) for t in [epsilon, scale, bias]],
    # where cast_like hands back its first argument, converted and cast.
    code = """
        import tensorflow as tf

        def cast_like(x, y):
            x = tf.convert_to_tensor(x)
            if x.dtype == y.dtype:
                return x
            return tf.cast(x, y.dtype)

        def layer_norm_compute(x, scale, bias, epsilon=1e-6):
            epsilon, scale, bias = [cast_like(t, x) for t in [epsilon, scale, bias]]
            variance = tf.reduce_mean(tf.squared_difference(x, tf.reduce_mean(x)))
            probe(variance + epsilon)
    """
    assert range_of(code) == Interval(1e-6, math.inf, True, False)
    # A helper that computes something else from its argument hands nothing back.
    assert range_of(code.replace("return tf.cast(x, y.dtype)", "return tf.cast(x - 1.0, y.dtype)")).lo < 0

def test_a_value_handed_to_a_helper_that_differentiates_it_is_a_loss(tmp_path):
    from losslint import engine
    from losslint.engine import Settings

    # stable-baselines' GAIL: the loss is built in __init__ and differentiated by a helper of
    # another module (tf_util.flatgrad calls tf.gradients on its first argument).
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "tf_util.py").write_text(textwrap.dedent("""
        import tensorflow as tf

        def flatgrad(loss, var_list, clip_norm=None):
            grads = tf.gradients(loss, var_list)
            return tf.concat(axis=0, values=[tf.reshape(g, [-1]) for g in grads])

        def flat_size(tensor, var_list):
            return sum(int(tf.size(v)) for v in var_list)
    """))
    source = textwrap.dedent("""
        import tensorflow as tf
        from pkg import tf_util

        def local_step(objective, variables):
            return tf.gradients(objective, variables)

        class Adversary:
            def __init__(self, logits, variables):
                expert = -tf.math.log(tf.sigmoid(logits))
                self.total = tf.reduce_mean(expert)
                self.grad = {}(self.total, variables)
    """)

    def codes(helper: str) -> list[str]:
        path = package / "adversary.py"
        path.write_text(source.format(helper))
        result = engine.lint_source(path.read_bytes(), str(path), Settings(codes=frozenset({"LL213"})))
        return [d.code for d in result.diagnostics]

    assert codes("tf_util.flatgrad") == ["LL213"]
    assert codes("local_step") == ["LL213"]
    assert codes("tf_util.flat_size") == []  # reads the value's size, differentiates nothing


def test_a_function_returning_what_it_names_a_loss_is_loss_code():
    from tests.conftest import lint

    # torch_geometric's Node2Vec.loss under another name: no loss API, no loss in its own name.
    code = """
        import torch

        class Walks(torch.nn.Module):
            def compute_terms(self, pos_rw, neg_rw):
                out = self.embedding(pos_rw).sum(dim=-1)
                pos_loss = -torch.log(torch.sigmoid(out) + 1e-15).mean()
                out = self.embedding(neg_rw).sum(dim=-1)
                neg_loss = -torch.log(1 - torch.sigmoid(out)).mean()
                return pos_loss + neg_loss
    """
    # log(1 - sigmoid(x)) is logsigmoid(-x) written by hand
    assert [(d.code, d.location.row) for d in lint(code, codes={"LL213"})] == [("LL213", 8)]
    # A number it names a loss (a logged value), or a loss it does not return, is not enough.
    logged = code.replace("return pos_loss + neg_loss", "return (pos_loss + neg_loss).item()")
    assert lint(logged, codes={"LL213"}) == []
    kept = code.replace("return pos_loss + neg_loss", "self.last = pos_loss + neg_loss\n                return out")
    assert lint(kept, codes={"LL213"}) == []


def test_a_function_returning_a_record_of_losses_is_loss_code():
    from tests.conftest import lint

    # fairseq's wav2vec-U: result = {"losses": {...}}, filled in further by item assignment.
    code = """
        import torch
        import torch.nn.functional as F

        def forward(dense_y, target, smooth):
            mmi = F.cross_entropy(dense_y, target)
            loss_dense = -torch.log(torch.sigmoid(dense_y)).mean() * smooth
            result = {"losses": {"mmi": mmi}, "temp": 1.0}
            result["losses"]["dense"] = loss_dense
            return result
    """
    assert [(d.code, d.location.row) for d in lint(code, codes={"LL213"})] == [("LL213", 6)]
    # A record of what is no loss (sizes, a temperature) is not.
    assert lint(code.replace("F.cross_entropy(dense_y, target)", "dense_y.size(0)").replace(
        'result["losses"]["dense"] = loss_dense', 'print(loss_dense)'), codes={"LL213"}) == []


def test_what_is_packed_beside_the_loss_for_a_helper_is_not_on_its_path():
    from tests.conftest import lint

    # espnet: loss, stats, weight = force_gatherable((loss, stats, batch_size), loss.device)
    code = """
        import torch.nn.functional as F
        from .device_funcs import force_gatherable

        class Model:
            def training_step(self, pred, target):
                loss = F.mse_loss(pred, target)
                stats = dict(loss=loss.item())
                loss, stats, weight = force_gatherable(({}, stats, pred.size(0)), pred.device)
                return {{"loss": loss, "stats": stats, "weight": weight}}
    """
    assert lint(code.format("loss"), codes={"LL503"}) == []
    # Packed into the loss's own place, the number is on the way to the loss.
    assert [d.code for d in lint(code.format("loss * stats['loss']"), codes={"LL503"})] == ["LL503"]


def test_sizes_by_how_they_are_unpacked_and_divided():
    from losslint.core.values import Kind

    # fairseq: b, h, t, d, device = (*q.shape, q.device): d is a size, not a tensor.
    facts, expr = facts_at("""
        import torch

        def forward(q, k):
            b, h, t, d, device = (*q.shape, q.device)
            probe(d)
    """)
    assert facts.value(expr).kind is Kind.NUMBER
    # tensor2tensor: depth = total_key_depth // num_heads, of parameters used for nothing else.
    facts, expr = facts_at("""
        import tensorflow as tf

        def attention(q, total_key_depth, num_heads):
            depth = total_key_depth // num_heads
            probe(depth)
    """)
    assert facts.value(expr).kind is Kind.NUMBER
    # torch.norm(input=v): the operand by keyword (this was an internal error).
    assert range_of("""
        import torch

        def cluster_loss(v):
            probe(torch.norm(input=v, dim=1))
    """).lo == 0


def test_a_function_of_a_losses_module_named_for_nothing_else_is_a_loss_by_its_gradient():
    def loss_functions_of(code: str, path: str) -> set[str]:
        source = textwrap.dedent(code)
        facts = FileFacts(cst.parse_module(source), source, (), None, path)
        return {f.qualname for f in facts.scopes.functions}

    # speechbrain's classification_error, tensorlayer's hard IoU: metrics kept beside the losses.
    code = """
        import torch

        def classification_error(probabilities, targets):
            return (torch.argmax(probabilities, dim=-1) != targets).float().mean()

        def iou_coe(output, target, threshold=0.5):
            hard = (output > threshold).float()
            return (hard * target).sum() / ((hard + target) >= 1).float().sum()

        def smoothed_terms(probabilities, targets):
            return -(targets * torch.log(probabilities)).sum()

        def cosine_similarity(v1, v2):
            return (v1 * v2).sum(1) / (v1.norm(dim=1) * v2.norm(dim=1))
    """
    assert loss_functions_of(code, "pkg/losses.py") == {"smoothed_terms", "cosine_similarity"}
    # A weak word of the file's name (cost.py) needs the gradient shown: a prediction, not any tensor.
    assert loss_functions_of(code, "pkg/cost.py") == {"smoothed_terms"}
    # The function's own name still decides for itself: a dice loss on a threshold is a bug to report.
    assert "dice_loss" in loss_functions_of(code.replace("def iou_coe", "def dice_loss"), "pkg/losses.py")


def test_an_attribute_of_another_instance_of_a_class_of_the_module():
    # stable-baselines' DiagGaussian.kl(self, other): other.std is what __init__ set, exp(logstd) > 0.
    code = """
        import tensorflow as tf

        class Gaussian:
            def __init__(self, logstd):
                self.logstd = logstd
                self.std = tf.exp(logstd)

            def kl(self, other):
                assert isinstance(other, Gaussian)
                probe(other.std)
    """
    assert range_of(code) == POSITIVE
    assert range_of(code.replace("assert isinstance(other, Gaussian)", "pass").replace(
        "def kl(self, other)", 'def kl(self, other: "Gaussian")')) == POSITIVE
    # Declared as nothing, or as a class not of the module, it may hold anything.
    assert range_of(code.replace("assert isinstance(other, Gaussian)", "pass")) == UNKNOWN
    assert range_of(code.replace("isinstance(other, Gaussian)", "isinstance(other, Normal)")) == UNKNOWN


def test_a_convex_combination_lies_between_its_terms():
    # seesaw's ratio ** p * index + (1 - index); a focal loss's p * t + (1 - p) * (1 - t)
    assert range_of("""
        import torch

        def seesaw_loss(ratio, scores):
            index = (scores > 0.5).float()
            probe(ratio.clamp(min=1) * index + (1 - index))
    """) == Interval(1.0, math.inf, True, False)
    assert range_of("""
        import torch

        def focal_loss(logits, targets):
            p = torch.sigmoid(logits)
            t = (targets > 0).float()
            probe(p * t + (1 - p) * (1 - t))
    """) == UNIT
    # A weight that may leave [0, 1] is no convex combination: the sum's range.
    assert range_of("""
        import torch

        def weighted(logits, w):
            p = torch.sigmoid(logits)
            probe(p * w + (1 - p) * (1 - w))
    """) == UNKNOWN


def test_an_else_branch_that_raises_does_not_reach_what_follows():
    # tianshou's imitation update: loss from the regression or the classification branch, else raise.
    code = """
        import torch
        import torch.nn.functional as F

        def imitation_update(policy, batch, optim, kind):
            if kind == "continuous":
                loss = F.mse_loss(policy(batch).act, batch.act)
            elif kind == "discrete":
                act = torch.log(F.softmax(policy(batch).logits, dim=-1))
                loss = F.nll_loss(act, batch.act)
            else:
                raise ValueError(kind)
            optim.step(loss)
    """
    from tests.conftest import lint

    assert [(d.code, d.location.row) for d in lint(code, codes={"LL214"})] == [("LL214", 8)]
    # What follows sees the values of the branch taken: the one that does not raise.
    assert range_of("""
        def f(x):
            if x > 1:
                y = 2.0
            else:
                raise ValueError(x)
            probe(y)
    """) == Interval.const(2.0)


def test_a_helper_named_for_the_loss_it_returns_gives_a_tensor():
    from tests.conftest import lint

    # torchrl's DreamerV3: self._step_value_loss(p, t) returns another module's cross entropy.
    code = """
        import torch
        from .functional import two_hot_cross_entropy

        class ValueLoss(torch.nn.Module):
            def _step_value_loss(self, prediction, target):
                return two_hot_cross_entropy(prediction, target, self.bins)

            def forward(self, data, target, slow_target):
                values = data.get("values")
                loss = self._step_value_loss(values, target)
                return loss + (0.5 * self._step_value_loss(values, slow_target)).item()
    """
    assert [(d.code, d.location.row) for d in lint(code, codes={"LL503"})] == [("LL503", 11)]
    # A helper named for something else stays of unknown kind: .item() may be of a number.
    assert lint(code.replace("_step_value_loss", "_step_value"), codes={"LL503"}) == []


def test_a_record_built_by_dict_keywords_holds_its_entries():
    from tests.conftest import lint

    # mmpretrain's MoCoV3.loss: losses = dict(loss=self.head.loss(q, k)); return losses
    code = """
        import torch

        class MoCo(torch.nn.Module):
            def compute(self, q1, k2):
                loss = 1e7 * self.head.loss(q1, k2) + self.head.loss(k2, q1)
                losses = dict(loss=loss)
                return losses
    """
    assert [d.code for d in lint(code, codes={"LL302"})] == ["LL302"]
    assert lint(code.replace("dict(loss=loss)", "dict(size=q1.shape)"), codes={"LL302"}) == []


def test_the_parents_compute_loss_gives_a_loss():
    from tests.conftest import lint

    # fairseq's adaptive span criterion: loss, _ = super().compute_loss(...); then loss.item() + aux.
    code = """
        import torch

        class AdaptiveSpanCriterion(CrossEntropyCriterion):
            def forward(self, model, sample):
                net_output = model(**sample["net_input"])
                loss, _ = super().compute_loss(model, net_output, sample)
                total = loss.item() + model.get_aux_loss()
                return total, sample["ntokens"], {}
    """
    assert [(d.code, d.location.row) for d in lint(code, codes={"LL503"})] == [("LL503", 7)]
    assert lint(code.replace("super().compute_loss(", "super().compute_stats("), codes={"LL503"}) == []


def test_an_inherited_target_builder_gives_values_without_gradient():
    from tests.conftest import lint

    # mmpose's RTMO head: targets from self._get_targets(...) of a base class, counts among them.
    code = """
        import torch

        class Head(BaseHead):
            def loss(self, feats, batch_data_samples):
                scores = self.cls_head(feats)
                targets = self.CALL(scores.detach(), batch_data_samples)
                pos_masks, num_fg_imgs = targets
                num_pos = torch.tensor(sum(num_fg_imgs), dtype=torch.float)
                return (scores * pos_masks).sum() / num_pos
    """
    assert lint(code.replace("CALL", "_get_targets"), codes={"LL504"}) == []
    # A submodule applied to the scores computes from the prediction: rewrapping it cuts the gradient.
    assert [d.code for d in lint(code.replace("CALL", "refine_head"), codes={"LL504"})] == ["LL504"]


def test_a_metric_returned_beside_the_loss_and_computed_in_its_loop_is_not_loss_code():
    # tensor2tensor's calc_loss_psnr: one loop sums the loss and the PSNR; the PSNR is logged.
    code = """
        import tensorflow as tf

        def psnr(true, pred):
            return 10.0 * tf.log(1.0 / tf.reduce_mean(tf.square(true - pred))) / tf.log(10.0)

        def calc_loss_psnr(gen_images, images):
            loss, psnr_all = 0.0, 0.0
            for x, gx in zip(images, gen_images):
                loss += tf.reduce_mean(tf.square(x - gx))
                psnr_all += psnr(x, gx)
            return loss, psnr_all
    """
    assert loss_functions(code) == {"calc_loss_psnr"}
    # Returned under a name of no metric, a later element with a gradient is a loss too.
    assert loss_functions(code.replace("psnr_all", "recon_term").replace("psnr(", "log_ratio(")) == {
        "calc_loss_log_ratio", "log_ratio"}


def test_what_a_loss_api_is_handed_as_input_comes_from_the_prediction():
    # No name says which parameter is the prediction; the flow into poisson_nll_loss's input does,
    # through locals assigned once and updated in place (rate *= exposure keeps rate's source).
    from losslint.core.values import Grad

    source = """
        import torch
        import torch.nn.functional as F

        def poisson_loss(log_rate, counts, exposure):
            rate = torch.exp(log_rate)
            rate *= exposure
            probe(log_rate)
            return F.poisson_nll_loss(rate, counts, log_input=False)
    """
    facts, expr = facts_at(source)
    assert facts.value(expr).grad is Grad.YES
    # An input mixed from two parameters says nothing about either.
    mixed = source.replace("rate = torch.exp(log_rate)", "rate = torch.exp(log_rate) * exposure")
    facts, expr = facts_at(mixed)
    assert facts.value(expr).grad is not Grad.YES


def test_the_argument_jax_differentiates_carries_a_gradient_into_what_it_is_applied_to():
    code = """
        import jax
        import jax.numpy as jnp

        def loss_fn(params, batch, key):
            return probe(net.apply(params, batch["x"])) + key

        grad_fn = jax.value_and_grad(loss_fn, argnums={argnums})
    """
    from losslint.core.values import Grad

    facts, expr = facts_at(code.format(argnums=0))
    assert facts.value(expr).grad is Grad.YES
    other, expr = facts_at(code.format(argnums=2))  # the key is differentiated, not the params
    assert other.value(expr).grad is not Grad.YES


def test_items_of_a_returned_tuple_survive_a_slice_and_a_second_return_shape():
    code = """
        import torch
        import torch.nn.functional as F

        class Trainer:
            def concatenated_forward(self, model, batch):
                logits = model(batch["x"])
                nll_loss = F.cross_entropy(logits, batch["y"])
                if self.aux:
                    return (logits, nll_loss, batch["aux"])
                return (logits, nll_loss)

            def metrics(self, model, batch):
                out = self.concatenated_forward(model, batch)
                (logits, nll) = out[{piece}]
                return probe(nll)
    """
    from losslint.core.values import Kind

    for piece in (":2", "0:2"):
        facts, expr = facts_at(code.format(piece=piece))
        value = facts.value(expr)
        assert value.kind is Kind.TENSOR and "loss" in value.provenance, piece
    for piece in ("::2", ":-1"):  # logits and the aux item; counted from an end not known
        facts, expr = facts_at(code.format(piece=piece))
        assert "loss" not in facts.value(expr).provenance, piece


def test_a_helper_result_cut_short_deep_down_is_not_reused_at_a_shallow_call():
    from losslint.core import values

    code = """
        import torch
        import torch.nn.functional as F

        def inner(logits, labels):
            return F.cross_entropy(logits, labels)

        def outer(logits, labels):
            return inner(logits, labels)

        def metrics(logits, labels):
            return probe(outer(logits, labels))
    """
    facts, call = facts_at(code)
    analysis = facts.values
    env, function = facts.env(), facts.function
    # First asked from deep down (the inner call is cut by the depth bound), then from the top.
    deep = analysis.value(call, env, function, None, values.MAX_DEPTH - 7)
    shallow = analysis.value(call, env, function, None, 0)
    assert "loss" not in deep.provenance
    assert "loss" in shallow.provenance


def test_the_value_whose_dtype_torch_finfo_reads_is_a_tensor():
    code = """
        import numpy as np
        import torch

        class Classifier:
            def get_loss(self, y_pred, y_true):
                eps = torch.finfo(y_pred.dtype).eps
                return probe(y_pred)
    """
    facts, expr = facts_at(code)
    assert facts.value(expr).is_tensor


def test_a_gpytorch_marginal_log_likelihood_is_loss_code():
    from losslint import engine
    from losslint.config import Settings

    source = textwrap.dedent("""
        import torch
        from gpytorch.mlls import MarginalLogLikelihood

        class LaplaceMarginalLogLikelihood(MarginalLogLikelihood):
            def forward(self, post, comp):
                log_posterior = -(post.mean.squeeze(-1) @ comp).sum(-1)
                return -max(0, log_posterior)
    """)
    result = engine.lint_source(source.encode(), "mll.py", Settings(codes=frozenset({"LL104"})))
    assert [d.code for d in result.diagnostics] == ["LL104"]


@pytest.mark.parametrize("condition", ["tf.greater(d, 0.0)", "tf.math.greater(d, 0.0)", "keras.ops.greater(d, 0.0)",
                                       "K.greater(d, 0.0)", "d > 0.0"])
def test_a_comparison_spelled_as_a_call_refines_the_where_branch_it_guards(condition):
    code = f"""
        import keras
        import tensorflow as tf
        from keras import backend as K

        def loss(y_true, y_pred):
            d = y_pred - y_true
            return probe(tf.where({condition}, d, tf.ones_like(d)))
    """
    assert range_of(code).is_positive


@pytest.mark.parametrize("mask", ["x.gt(0)", "torch.gt(x, 0)", "torch.greater(x, 0)", "x > 0"])
def test_a_selection_by_a_comparison_call_keeps_only_what_passes(mask):
    code = f"""
        import torch

        def loss(x):
            return probe(x[{mask}])
    """
    assert range_of(code).is_positive


def test_a_comparison_call_is_a_boolean_and_an_unknown_method_named_like_one_is_not():
    assert range_of("""
        import tensorflow as tf

        def loss(p):
            return probe(tf.greater_equal(p, 0.5))
    """) == UNIT
    facts, expr = facts_at("""
        import torch

        def loss(p, sets):
            return probe(sets.eq(p, 1))
    """)
    assert facts.comparison(expr) is expr  # two operands to a method: not a tensor comparison


def lint_codes(source: str, codes: set[str]) -> list[tuple[str, int]]:
    from losslint import engine
    from losslint.config import Settings

    result = engine.lint_source(textwrap.dedent(source).encode(), "case.py", Settings(codes=frozenset(codes)))
    return [(d.code, d.location.row) for d in result.diagnostics]


def test_rules_read_comparison_calls_as_comparisons():
    gate = """
        import tensorflow as tf

        def hard_dice_loss(y_true, y_pred):
            hard = tf.where(tf.greater_equal(y_pred, 0.5), tf.ones_like(y_pred), tf.zeros_like(y_pred))
            inter = tf.reduce_sum(y_true * hard)
            return 1.0 - (2.0 * inter + 1.0) / (tf.reduce_sum(y_true) + tf.reduce_sum(hard) + 1.0)
    """
    assert lint_codes(gate, {"LL101"}) == [("LL101", 5)]
    step = """
        import tensorflow as tf

        def count_loss(y_true, y_pred):
            return tf.reduce_mean(tf.cast(tf.greater(y_pred, 0.5), tf.float32) - y_true)
    """
    assert lint_codes(step, {"LL103"}) == [("LL103", 5)]
    masked_gradient = """
        import torch

        def log_loss(z):
            return torch.where(z.le(0), torch.zeros_like(z), torch.log(z)).mean()
    """
    assert lint_codes(masked_gradient, {"LL102", "LL201"}) == [("LL102", 5)]


def test_an_exp_bound_to_the_name_it_exponentiates_is_read_with_the_earlier_binding():
    source = """
        import torch

        def attention_loss(f, target):
            f = torch.exp(f)
            p = f / f.sum(-1, keepdim=True)
            return ((p - target) ** 2).mean()

        def shifted_loss(f, target):
            f = f - f.max(-1, keepdim=True)[0]
            f = torch.exp(f)
            p = f / f.sum(-1, keepdim=True)
            return ((p - target) ** 2).mean()

        def kernel_loss(d, target):
            k = -d ** 2
            k = torch.exp(k)
            return ((k / k.sum(-1, keepdim=True) - target) ** 2).mean()

        def partition_loss(x, target):
            x = torch.exp(x)
            return (torch.log(x.sum(-1)) - target).mean()
    """
    from losslint import engine
    from losslint.config import Settings

    result = engine.lint_source(textwrap.dedent(source).encode(), "case.py",
                                Settings(codes=frozenset({"LL215", "LL217"})))
    assert [(d.code, d.location.row) for d in result.diagnostics] == [("LL217", 6), ("LL215", 22)]
    # The argument means something else where the result is used: no rewrite is offered.
    assert all(d.fix is None for d in result.diagnostics)


def test_a_helper_returns_its_loss_in_the_items_its_callers_unpack_and_use():
    source = """
        import torch
        import torch.nn.functional as F

        def _scores(logits, labels):
            hits = (logits.argmax(-1) == labels).float()
            weights = torch.log(torch.softmax(logits, -1))
            return hits, weights

        def eval_loss(logits, labels):
            hits, weights = _scores(logits, labels)
            return F.nll_loss(weights, labels), hits.mean()

        def _both(logits, labels):
            hits = (logits.argmax(-1) == labels).float()
            return hits, logits

        def hit_loss(logits, labels):
            hits, out = _both(logits, labels)
            return (hits * F.cross_entropy(out, labels, reduction="none")).mean()
    """
    # The hit rate _scores returns beside the loss's input is a metric; _both's gates the loss.
    assert lint_codes(source, {"LL103", "LL214"}) == [("LL214", 7), ("LL103", 15), ("LL103", 15)]


def test_the_size_attribute_of_an_array_or_a_mesh_dimension_is_a_count():
    assert range_of("""
        import tensorflow as tf

        class Model:
            def logits(self, x):
                return probe(self.model_dim.size ** -0.5)
    """).is_nonnegative
    # An object's own setting called size is what its __init__ set, not a count.
    assert range_of("""
        import torch

        class Loss:
            def __init__(self):
                self.size = -1.0

            def forward(self, x):
                return probe(self.size)
    """) == Interval.const(-1.0)


def test_an_attribute_holds_what_init_checked_before_it_set_it():
    assert range_of("""
        import torch

        class RatioLoss(torch.nn.Module):
            def __init__(self, floor=None):
                super().__init__()
                if floor is None or floor <= 0:
                    raise ValueError("floor must be > 0")
                self.floor = floor

            def forward(self, pred, target):
                return probe(self.floor)
    """).is_positive
