"""Guards and contexts the analysis recognises, each found as a false alarm on real code."""

from tests.conftest import lint


def codes(code: str) -> list[str]:
    return [d.code for d in lint(code)]


def test_no_gradient_inside_no_grad_blocks():
    body = """
        import torch

        def tuplet_loss(cos):
            {context}
                angles = torch.acos(cos)
            return angles.mean()
    """
    assert codes(body.format(context="with torch.no_grad():")) == []
    assert codes(body.format(context="if True:")) == ["LL205"]


def test_no_grad_decorator():
    assert codes("""
        import torch

        @torch.no_grad()
        def stats_loss(d):
            return torch.sqrt(d).mean()
    """) == []


def test_product_of_eps_guarded_sums_is_guarded():
    assert codes("""
        import torch

        def mcc_loss(y_pred, y_true, eps=1e-5):
            tp = torch.sum(y_pred * y_true) + eps
            fp = torch.sum(y_pred * (1 - y_true)) + eps
            fn = torch.sum((1 - y_pred) * y_true) + eps
            return torch.sqrt(torch.add(tp, fp) * torch.add(tp, fn))
    """) == []


def test_clamp_to_exactly_one_still_reaches_the_pole():
    assert codes("""
        import torch

        def angle_loss(cos):
            return torch.acos(torch.clamp(cos, -1, 1)).mean()
    """) == ["LL205"]


def test_branch_conditions_rule_out_zero():
    assert codes("""
        import torch

        def tcm_loss(pos_sims, margin):
            s = (pos_sims.detach() <= margin).float()
            num = ((margin - pos_sims) * s).sum()
            den = s.sum()
            return 0 if s.sum() == 0 else num / den
    """) == []
    assert codes("""
        import torch

        def tcm_loss(pos_sims, margin):
            s = (pos_sims.detach() <= margin).float()
            return ((margin - pos_sims) * s).sum() / s.sum()
    """) == ["LL202"]


def test_early_exit_rules_out_zero_afterwards():
    body = """
        import torch

        def masked_loss(x, mask):
            denom = torch.sum(mask)
            {guard}
            return (x.abs() * mask).sum() / denom
    """
    assert codes(body.format(guard="if denom.item() == 0:\n                return x.sum() * 0")) == []
    assert codes(body.format(guard="if denom.item() == 0:\n                print('empty')")) == ["LL202"]


def test_where_and_max_guards():
    assert codes("""
        import torch

        def count_loss(x, target):
            n = (target > 0).float().sum()
            return x.sum() / torch.where(n > 0, n, torch.ones_like(n)) + x.sum() / max(n, 1)
    """) == []


def test_stabilizer_attribute_and_random_norm():
    assert codes("""
        import torch
        import torch.nn as nn

        class SSIMLoss(nn.Module):
            def __init__(self, k=0.01, data_range=1.0):
                super().__init__()
                self.C1 = (k * data_range) ** 2

            def forward(self, mu_x, mu_y):
                slices = torch.randn(8, 4)
                slices = slices / slices.norm(dim=0)
                return (2 * mu_x * mu_y + self.C1) / (mu_x ** 2 + mu_y ** 2 + self.C1)
    """) == []


def test_empty_tuples_in_sums_and_products_do_not_crash():
    # Found on torch's own sources: stripping the parentheses of () built an invalid node.
    assert codes("""
        import torch

        def shapes_loss(x, mask):
            a = () + ()
            b = (x * ()).mean()
            return x.sum()
    """) == []


def test_gate_with_branches_that_cannot_be_evaluated_is_silent():
    # An unknown call in a branch: continuity cannot be decided, so no finding.
    assert codes("""
        import torch

        def refine_loss(pred, target, model):
            return torch.where(pred > 0.5, model(pred), pred - target).mean()
    """) == []


def test_gate_on_a_square_is_checked_at_both_roots():
    assert codes("""
        import torch

        def smooth_loss(pred, target):
            d = pred - target
            return torch.where(torch.square(d) < 1.0, torch.square(d), torch.abs(d)).mean()
    """) == []


def test_tensorflow_sqrt_in_a_where_is_safe_on_non_negative_values():
    # Observed: TF's sqrt gradient is 0 at 0 when the incoming gradient is 0; PyTorch's is NaN.
    body = """
        import {module}

        def distance_loss(a, b):
            d2 = {sum}((a - b) ** 2)
            return {where}(d2 > 0, {sqrt}(d2), 0.0)
    """
    tf_codes = codes(body.format(module="tensorflow as tf", sum="tf.reduce_sum", where="tf.where", sqrt="tf.sqrt"))
    torch_codes = codes(body.format(module="torch", sum="torch.sum", where="torch.where", sqrt="torch.sqrt"))
    assert "LL102" not in tf_codes and "LL102" in torch_codes


def test_structure_checks_and_emptiness_guards_are_not_branches_on_values():
    assert codes("""
        import torch

        def lovasz_loss(probas, labels, classes="present"):
            losses = []
            for c in range(probas.shape[1]):
                fg = (labels == c).type_as(probas)
                if classes == "present" and fg.sum() == 0:
                    continue
                if not probas.is_floating_point() or probas.sum() > 0:
                    losses.append((fg - probas[:, c]).abs().mean())
            return torch.stack(losses).mean()
    """) == []


def test_lists_lengths_and_shape_helpers_are_not_predictions():
    assert codes("""
        import torch

        def ctc_loss(logits, targets, input_lengths, blank_index=0, outputs=None):
            input_lengths = torch.as_tensor(input_lengths, dtype=torch.long)
            first = outputs[0] if outputs else None
            if blank_index != logits.shape[2] - 1:
                logits = logits.roll(1, dims=2)
            return torch.nn.functional.ctc_loss(logits, targets, input_lengths, input_lengths)
    """) == []


def test_in_place_clamp_statement_guards_the_name():
    # torch.nn.functional.gaussian_nll_loss: var.clamp_(min=eps) under no_grad, then log(var).
    assert codes("""
        import torch

        def gaussian_nll_loss(input, target, var, eps=1e-6):
            var = var.clone()
            with torch.no_grad():
                var.clamp_(min=eps)
            return 0.5 * (torch.log(var) + (input - target) ** 2 / var)
    """) == []


def test_eps_in_explicit_float64_is_not_swallowed():
    # tensorflow ctc_ops: log(cast(0, float64) + 1e-307) is computed in double.
    assert codes("""
        import tensorflow as tf

        def ctc_loss_dense(labels, logits):
            log_0 = tf.cast(tf.math.log(tf.cast(0, tf.float64) + 1e-307), tf.float32)
            return tf.reduce_sum(logits * log_0)
    """) == []


def test_clamp_max_caps_the_high_end_only():
    # botorch's W = sum(exp(...)).clamp_max(1.0): still positive; a raw value capped from above is not.
    assert codes("""
        import torch

        def entropy_loss(x):
            w = torch.exp(x).sum(-1).clamp_max(1.0)
            v = torch.clamp_max(x, 1.0)
            return torch.log(w).mean() + torch.log(v).mean()
    """) == ["LL201"]


def test_a_helper_whose_every_caller_passes_a_guarded_value_is_guarded():
    found = lint("""
        import torch

        def _stable_log(x):
            return torch.log(x)

        def _unstable_log(x):
            return torch.log(x)

        def layer_loss(p, q):
            return (_stable_log(p.clamp(min=1e-8)) + _unstable_log(q) + _unstable_log(p + 1e-6)).mean()
    """)
    assert [(d.code, d.location.row) for d in found] == [("LL201", 7)]


def test_a_method_called_from_its_base_class_gets_what_the_base_passes():
    # botorch: the base class's forward passes a clamped variance to self._gain, which subclasses override.
    body = """
        import torch

        class BaseLoss(torch.nn.Module):
            def forward(self, pred, target):
                variance = {variance}
                return self._gain(pred, variance=variance)

        class ChildLoss(BaseLoss):
            def _gain(self, pred, variance):
                return torch.log(variance).mean() + (pred - 1).mean()
    """
    assert codes(body.format(variance="((pred - target) ** 2).mean(0).clamp_min(1e-6)")) == []
    assert codes(body.format(variance="(pred - target).mean(0)")) == ["LL201"]


def test_integer_ids_handed_back_for_indexing_are_not_a_dead_term():
    # trl: a helper returns the top-1 token ids that the loss gathers log-probabilities at.
    found = lint("""
        import torch
        import torch.nn.functional as F

        class DistillLoss(torch.nn.Module):
            def _top_tokens(self, scores):
                return scores.argmax(dim=-1)

            def forward(self, logits, teacher_logprobs):
                log_probs = F.log_softmax(logits, dim=-1)
                picked = log_probs.gather(-1, self._top_tokens(logits).unsqueeze(-1)).squeeze(-1)
                return -(picked * teacher_logprobs.exp()).mean()

        def accuracy_loss(logits, labels):
            return 1 - (logits.argmax(-1) == labels).float().mean()
    """)
    assert {(d.code, d.location.row) for d in found} == {("LL103", 14)}


def test_a_parameter_every_caller_passes_a_number_for_is_a_setting():
    # tensor2tensor: confidence = 1 - label_smoothing, a Python float handed to tf.log.
    assert codes("""
        import tensorflow as tf

        def smoothing_cross_entropy(logits, labels, vocab_size, confidence):
            normalizing = -(confidence * tf.math.log(confidence))
            soft = tf.one_hot(labels, vocab_size, on_value=confidence, off_value=1.0 - confidence)
            return tf.nn.softmax_cross_entropy_with_logits(labels=soft, logits=logits) - normalizing

        def total_loss(logits, labels, probs, smoothing: float):
            entropy = -(probs * tf.math.log(probs))
            return smoothing_cross_entropy(logits, labels, 100, 1.0 - smoothing) + tf.reduce_sum(entropy)
    """) == ["LL201"]


def test_a_static_shape_is_numbers_without_gradient():
    # tf-models: class weights of ones, as many as the logits' static last dimension.
    assert codes("""
        import tensorflow as tf

        def weighted_class_loss(class_outputs, class_targets, class_weights=None):
            num_classes = class_outputs.get_shape().as_list()[-1]
            class_weights = class_weights if class_weights is not None else [1.0] * num_classes
            class_weights = tf.constant(class_weights, dtype=tf.float32)
            onehot = tf.one_hot(class_targets, num_classes)
            ce = tf.nn.softmax_cross_entropy_with_logits(labels=onehot, logits=class_outputs)
            return tf.reduce_mean(ce * class_weights)
    """) == []


def test_torch_predicates_are_python_bools():
    body = """
        import torch

        class FocalLoss(torch.nn.Module):
            def forward(self, pred, target):
                if {test}:
                    pred = pred * 2
                return torch.nn.functional.cross_entropy(pred, target)
    """
    assert codes(body.format(test="torch._C._functorch.is_legacy_batchedtensor(pred) or torch.is_grad_enabled()")) == []
    assert codes(body.format(test="pred.mean() > 0.5")) == ["LL104"]


def test_a_tensor_filled_in_place_holds_what_it_was_filled_with():
    assert codes("""
        import torch

        def concrete_loss(logits, beta=0.5):
            u = torch.empty_like(logits).uniform_(1e-6, 1.0 - 1e-6)
            s = torch.sigmoid((torch.log(u) - torch.log(1 - u) + logits) / beta)
            w = torch.log(torch.full_like(logits, 0.5)) + torch.log(logits.new_full((3,), 2.0))
            return s.mean() + w.mean()
    """) == []
    assert codes("""
        import torch

        def concrete_loss(logits):
            v = torch.empty_like(logits).uniform_()
            return (torch.log(v) + logits).mean()
    """) == ["LL201"]  # uniform_() draws from [0, 1): 0 included


def test_a_step_feeding_only_a_detached_term_is_a_straight_through_estimator():
    body = """
        import torch

        class Explainer:
            def _gate(self, logits):
                soft = torch.sigmoid(logits)
                hard = (soft > 0.5).float()
                soft = {gate}
                return soft, logits.mean()

            def _loss(self, logits):
                gate, penalty = self._gate(logits)
                return gate.mean() + penalty
    """
    assert codes(body.format(gate="soft + (hard - soft).detach()")) == []
    assert codes(body.format(gate="soft * 0 + hard")) == ["LL103"]


def test_a_conversion_to_an_integer_is_a_count_not_a_lost_gradient():
    body = """
        import torch

        def masked_loss(logits, mask):
            scores = torch.sigmoid(logits)
            n = {conversion}
            return scores.sum() * n
    """
    assert codes(body.format(conversion="int(scores.sum().item())")) == []
    assert codes(body.format(conversion="int(scores.sum())")) == []
    assert codes(body.format(conversion="scores.sum().item()")) == ["LL503"]


def test_a_log_floored_at_once_is_repaired_where_no_gradient_flows():
    # torch_geometric's sparse cross entropy: log of |weight| (0 for some), clamped right away and
    # added to the logits.
    body = """
        import torch
        import torch.nn.functional as F

        class Weighted(torch.nn.Module):
            def forward(self, scores, {name}, labels):
                shifted = scores + {name}.abs().log().clamp(min=1e-12)
                return F.cross_entropy(shifted, labels)
    """
    assert codes(body.format(name="weights")) == []  # targets' weights: no gradient
    # With a gradient the backward pass still meets the pole: clamp's 0 times log's inf is NaN.
    assert codes(body.format(name="logits")) == ["LL201"]
    assert codes(body.format(name="weights").replace(".clamp(min=1e-12)", " + 1.0")) == ["LL201"]


def test_min_of_settings_read_through_a_local_alias_of_self_is_python_arithmetic():
    # tensor2tensor: hparams = self.hparams; res_size = min(res_size, hparams.max_hidden_size)
    body = """
        import tensorflow as tf

        class Autoencoder:
            def body(self, features):
                hparams = {alias}
                res_size = self.hparams.hidden_size * 2 ** self.hparams.num_hidden_layers
                res_size = min(res_size, hparams.max_hidden_size)
                logits = tf.layers.dense(features, res_size)
                return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=features, logits=logits))
    """
    assert codes(body.format(alias="self.hparams")) == []
    assert codes(body.format(alias="features")) == ["LL104"]


def test_a_growing_value_summed_or_scaled_still_overflows_exp():
    body = """
        import torch

        def energy_loss(pred, target, tau=0.5):
            sse = ((pred - target) ** 2).sum()
            return torch.exp(EXPR).mean()
    """
    assert codes(body.replace("EXPR", "sse / tau")) == ["LL204"]
    assert codes(body.replace("EXPR", "0.5 * sse")) == ["LL204"]
    # Bounded above (a negative square), or shrinking (a square in the divisor): no overflow.
    assert codes(body.replace("EXPR", "-sse / tau")) == []
    assert codes(body.replace("EXPR", "tau / (1 + sse)")) == []


def test_a_default_written_as_arithmetic_is_the_number_it_computes():
    body = """
        import torch.nn.functional as F

        def power_transform_loss(pred, target, lam=DEFAULT):
            return F.mse_loss(((pred + 1).pow(lam) - 1) / lam, target)
    """
    assert codes(body.replace("DEFAULT", "1 / 13")) == ["LL206"]
    assert codes(body.replace("DEFAULT", "2 ** 1")) == []  # an integer power


def test_a_value_reaching_the_loss_only_detached_has_no_gradient_hazard():
    # speechbrain's binary spherical quantizer: a hard sign gate behind a straight-through estimator.
    gate = """
        import torch

        def quantize_loss(x, target):
            hard = torch.where(x > 0, torch.ones_like(x), -torch.ones_like(x))
            q = x + (hard - x)DETACH
            return ((q - target) ** 2).mean()
    """
    assert codes(gate.replace("DETACH", ".detach()")) == []
    assert codes(gate.replace("DETACH", "")) == ["LL101"]
    # A sqrt at zero whose value only weights the loss as a constant: no inf gradient reaches it.
    weight = """
        import torch

        def weighted_loss(pred, target):
            scale = torch.sqrt(((pred - target) ** 2).mean(dim=0))
            return (((pred - target) / (scale + 1e-6)DETACH) ** 2).mean()
    """
    assert codes(weight.replace("DETACH", ".detach()")) == []
    assert codes(weight.replace("DETACH", "")) == ["LL203"]


def test_an_identically_zero_term_has_no_weight_to_balance():
    # trl's GOLD trainer: the loss of an empty batch, a zero that keeps the graph connected.
    code = """
        import torch

        def distillation_loss(student_logits, empty):
            if empty:
                return torch.zeros(1, requires_grad=True) * student_logits.sum() * WEIGHT
            return student_logits.logsumexp(-1).mean()
    """
    assert codes(code.replace("WEIGHT", "1e-8")) == []
    assert codes(code.replace("torch.zeros(1, requires_grad=True) * ", "").replace("WEIGHT", "1e-8")) == ["LL302"]


def test_an_optional_input_beside_the_prediction_carries_no_gradient():
    # mmpose's OKS loss: areas=None, the ground-truth instance areas handed along with the targets.
    code = """
        import torch

        class OKSLoss(torch.nn.Module):
            def forward(self, output, target, areas=None):
                dist = torch.norm(output - target, dim=-1)
                if areas is not None:
                    dist = dist / areas.pow(0.5).clip(min=1e-8).unsqueeze(-1)
                return torch.exp(-dist.pow(2) / 2).mean()
    """
    assert codes(code) == []
    # Required, and named for nothing, it may be a second prediction: the sqrt's inf gradient at 0 counts.
    assert codes(code.replace("areas=None", "areas").replace("if areas is not None:", "if True:")) == ["LL203"]


def test_a_keras_loss_over_elements_pooled_across_the_batch_has_no_per_sample_value():
    # TF Model Garden's YOLOv7 loss: matched boxes of every image gathered into one tensor.
    code = """
        import tensorflow as tf

        class BoxLoss(tf.keras.losses.Loss):
            def call(self, labels, predictions):
                matched = tf.gather_nd(predictions, labels["indices"])
                iou = tf.reduce_sum(matched * labels["boxes"], axis=-1)
                return tf.reduce_mean(1.0 - iou)
    """
    assert codes(code) == []
    assert codes(code.replace('tf.gather_nd(predictions, labels["indices"])', "predictions")) == ["LL402"]
