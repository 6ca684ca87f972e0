"""Fixes are proven with the real frameworks on the CPU: safe fixes keep the values, LL201's clamp
removes the inf/NaN from the loss and its gradient, LL501's rewrite lets the gradient through."""

from __future__ import annotations

import inspect
import textwrap
import types
import warnings

import numpy as np
import pytest

from losslint.rules import all_rules
from losslint.rulespec import load_specs

torch = pytest.importorskip("torch")
tf = pytest.importorskip("tensorflow")

# Keras 2's ``keras.backend`` math (K.log, K.sum...) is gone from Keras 3; the examples that use it
# run against the same functions spelled in TensorFlow.
K_SHIM = types.SimpleNamespace(log=tf.math.log, sum=tf.reduce_sum, maximum=tf.maximum, epsilon=lambda: 1e-7)


def loss_callable(code: str, name: str | None = None):
    """The example's loss: the definition called ``name``, else its last top-level function or an
    instance of its last class. Global precision policies are not executed (they would leak)."""
    namespace: dict = {"__name__": "example", "K": K_SHIM}
    code = code.replace("from tensorflow.keras import backend as K\n", "")
    code = "\n".join(line for line in code.splitlines() if "set_global_policy" not in line)
    exec(compile(textwrap.dedent(code), "<example>", "exec"), namespace)
    own = [v for v in namespace.values()
           if (inspect.isfunction(v) or inspect.isclass(v)) and v.__module__ == "example"]
    target = namespace[name] if name else own[-1]
    return target() if inspect.isclass(target) else target


def _is_labels(a) -> bool:
    return np.asarray(a).dtype.kind in "iu"  # class indices: integer tensors, not differentiated


def torch_run(f, *arrays):
    inputs = [torch.tensor(a, dtype=torch.long) if _is_labels(a) else
              torch.tensor(a, dtype=torch.float32, requires_grad=True) for a in arrays]
    loss = f(*inputs)
    loss = loss.sum() if loss.dim() else loss
    loss.backward()
    return loss.detach().numpy(), [i.grad for i in inputs]


def tf_run(f, *arrays):
    inputs = [tf.Variable(np.asarray(a, dtype=np.float32)) for a in arrays]
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(f(*inputs))
    grads = tape.gradient(loss, inputs)
    return loss.numpy(), [None if g is None else g.numpy() for g in grads]


def gradient_to_prediction(f, framework: str, prediction, other):
    """The gradient of ``f``'s loss with respect to the prediction: None when no path leads there."""
    if framework == "torch":
        pred = torch.tensor(prediction, dtype=torch.float32, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch warns about copy-constructing from a tensor
            loss = f(pred, torch.tensor(other, dtype=torch.float32)).sum()
        if not loss.requires_grad:
            return None
        grad = torch.autograd.grad(loss, pred, allow_unused=True)[0]
        return None if grad is None else grad.numpy()
    y_pred = tf.constant(prediction, dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(y_pred)
        loss = tf.reduce_sum(f(tf.constant(other, dtype=tf.float32), y_pred))
    grad = tape.gradient(loss, y_pred)
    return None if grad is None else grad.numpy()


def finite(loss, grads) -> bool:
    arrays = [np.asarray(loss)] + [np.asarray(g) for g in grads if g is not None]
    return all(np.isfinite(a).all() for a in arrays)


rng = np.random.default_rng(0)
PROB = np.array([[0.2, 0.8], [0.6, 0.4]])
# (code, example index) -> framework, ordinary inputs, edge inputs
CASES = {
    ("LL201", 0): ("torch", ([0.3, 0.6, 0.9], [1.0, 0.0, 1.0]), ([1.0, 0.0, 0.5], [1.0, 0.0, 1.0])),
    ("LL201", 1): ("torch", (PROB, PROB[::-1].copy()), ([[0.0, 1.0]], [[0.5, 0.5]])),
    ("LL201", 2): ("tf", ([1.0, 0.0], [0.7, 0.2]), ([1.0, 0.0], [0.0, 1.0])),
    ("LL201", 3): ("tf", ([[0.0, 1.0]], [[0.3, 0.7]]), ([[0.0, 1.0]], [[1.0, 0.0]])),
    ("LL201", 4): ("tf", (PROB, PROB[::-1].copy()), ([[0.0, 1.0]], [[0.5, 0.5]])),
    # An empty mask / a batch without positives / a zero embedding: 0 / 0.
    ("LL202", 0): ("torch", (rng.normal(size=6), rng.normal(size=6), [1.0, 0.0, 1.0, 1.0, 0.0, 1.0]),
                   ([0.5, 1.0], [0.0, 1.0], [0.0, 0.0])),
    ("LL202", 1): ("torch", (rng.normal(size=(3, 4)), rng.normal(size=(3, 4))), ([[0.0, 0.0]], [[1.0, 0.0]])),
    ("LL202", 2): ("tf", ([[1.0, 0.0, 1.0]], [[0.7, 0.2, 0.4]]), ([[0.0, 0.0]], [[0.3, 0.1]])),
    ("LL202", 3): ("tf", ([[1.0, 0.0, 1.0]], [[0.7, 0.2, 0.4]]), ([[0.0, 0.0]], [[0.3, 0.1]])),
    # Identical embeddings / prediction == target: distance 0, the sqrt's gradient is NaN.
    ("LL203", 0): ("torch", (rng.normal(size=(4, 3)), rng.normal(size=(4, 3)), rng.integers(0, 2, 4).astype(float)),
                   ([[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0]], [1.0])),
    ("LL203", 1): ("torch", (rng.normal(size=6), rng.normal(size=6)), ([0.5, 1.0], [0.5, 1.0])),
    ("LL203", 2): ("tf", (rng.normal(size=(2, 3)), rng.normal(size=(2, 3))), ([[0.5, 1.0]], [[0.5, 1.0]])),
    ("LL203", 3): ("tf", (rng.normal(size=(2, 3)), rng.normal(size=(2, 3))), ([[0.5, 1.0]], [[0.5, 1.0]])),
    # Parallel vectors: cosine exactly 1, acos' gradient is inf.
    ("LL205", 0): ("torch", (rng.normal(size=(4, 3)), rng.normal(size=(4, 3))), ([[1.0, 0.0, 0.0]], [[2.0, 0.0, 0.0]])),
    ("LL205", 1): ("torch", (rng.normal(size=(4, 3)), rng.normal(size=(4, 3))), ([[1.0, 0.0, 0.0]], [[2.0, 0.0, 0.0]])),
    ("LL205", 2): ("tf", (rng.normal(size=(4, 3)), rng.normal(size=(4, 3))), ([[1.0, 0.0, 0.0]], [[2.0, 0.0, 0.0]])),
    ("LL205", 3): ("tf", ([[0.3, 0.2]], [[0.5, 0.1]]), ([[1.0, 0.0]], [[1.0, 0.0]])),
    ("LL211", 0): ("torch", (np.abs(rng.normal(size=64)) * np.logspace(-9, 6, 64),), None),
    ("LL211", 1): ("torch", (rng.normal(size=(4, 3)), rng.normal(size=(5, 3)) * 1e3), None),
    ("LL211", 2): ("tf", (np.logspace(-9, 6, 16), np.logspace(6, -9, 16)), None),
    ("LL211", 3): ("tf", (np.logspace(-9, 6, 16), np.logspace(6, -9, 16)), None),
    # Fused forms: equal where the original is finite; finite where it saturates.
    ("LL213", 0): ("torch", (rng.normal(size=8) * 4, rng.integers(0, 2, size=8).astype(float)),
                   ([30.0, -120.0], [0.0, 1.0])),
    ("LL213", 1): ("torch", (rng.normal(size=8) * 4,), ([-120.0, 1.0],)),
    ("LL213", 2): ("tf", (rng.integers(0, 2, size=(2, 4)).astype(float), rng.normal(size=(2, 4)) * 4),
                   ([[0.0, 1.0]], [[30.0, -120.0]])),
    ("LL213", 3): ("tf", (rng.random((2, 4)), rng.normal(size=(2, 4)) * 4), ([[1.0, 0.5]], [[-120.0, 1.0]])),
    ("LL214", 0): ("torch", (rng.normal(size=(3, 5)) * 4, rng.dirichlet(np.ones(5), size=3)),
                   ([[0.0, 200.0]], [[0.5, 0.5]])),
    ("LL214", 1): ("torch", (rng.normal(size=(3, 5)) * 4, rng.normal(size=(3, 5)) * 4),
                   ([[0.0, 200.0]], [[100.0, 0.0]])),
    ("LL214", 2): ("tf", (rng.dirichlet(np.ones(5), size=3), rng.normal(size=(3, 5)) * 4),
                   ([[0.5, 0.5]], [[0.0, 200.0]])),
    ("LL214", 3): ("tf", (rng.dirichlet(np.ones(5), size=3), rng.normal(size=(3, 5)) * 4),
                   ([[0.5, 0.5]], [[0.0, 200.0]])),
    # With-logits forms: equal values and gradients on ordinary logits.
    ("LL218", 0): ("torch", (rng.normal(size=8) * 4, rng.integers(0, 2, 8).astype(float)), None),
    ("LL218", 1): ("torch", (rng.normal(size=8) * 4, rng.integers(0, 2, 8).astype(float)), None),
    ("LL218", 2): ("tf", (rng.integers(0, 2, (2, 4)).astype(float), rng.normal(size=(2, 4)) * 4), None),
    ("LL218", 4): ("torch", (rng.normal(size=8) * 4, rng.integers(0, 2, 8).astype(float)),
                   ([30.0, -120.0], [0.0, 1.0])),
    ("LL218", 3): ("tf", (rng.integers(0, 2, (2, 4)).astype(float), rng.normal(size=(2, 4)) * 4), None),
    # Cross-entropy: inputs, then the reduction of the reference ("mean" over the batch or "sum").
    ("LL219", 0): ("torch", (rng.normal(size=(4, 5)) * 3, rng.integers(0, 5, 4)), "mean"),
    ("LL219", 1): ("torch", (rng.normal(size=(4, 5)) * 3, rng.integers(0, 5, 4)), "mean"),
    ("LL219", 2): ("tf", (np.eye(5)[rng.integers(0, 5, 4)], rng.normal(size=(4, 5)) * 3), "sum"),
    ("LL219", 3): ("tf", (np.eye(5)[rng.integers(0, 5, 4)], rng.normal(size=(4, 5)) * 3), "mean"),
    # One logit above 88 overflows exp (or every term underflows): the fused forms stay finite.
    ("LL215", 0): ("torch", (rng.normal(size=(3, 4)) * 3, rng.normal(size=3)), ([[100.0, 0.0]], [0.0])),
    ("LL215", 1): ("torch", (rng.normal(size=(3, 4)) * 3,), ([[100.0, 0.0]],)),
    ("LL215", 2): ("tf", (rng.normal(size=(2, 4)) * 0.05, rng.normal(size=(2, 4)) * 0.05),
                   ([[0.0, 0.0]], [[10.0, 10.0]])),
    ("LL215", 3): ("tf", (rng.normal(size=(2, 4)), rng.normal(size=(2, 4))), ([[0.0, 0.0]], [[20.0, 0.0]])),
    ("LL217", 0): ("torch", (rng.normal(size=(3, 4)) * 3, rng.random((3, 4))), ([[100.0, 0.0]], [[1.0, 0.0]])),
    ("LL217", 1): ("tf", (rng.random((3, 4)), rng.normal(size=(3, 4)) * 3), ([[1.0, 0.0]], [[100.0, 0.0]])),
    ("LL217", 2): ("tf", (rng.random((3, 4)), rng.normal(size=(3, 4)) * 3), ([[1.0, 0.0]], [[100.0, 0.0]])),
    # Keras losses: (the built-in loss that is the reference, where the example's loss is).
    ("LL402", 0): ("tf", ("MeanSquaredError", "mse_loss"), None),
    ("LL402", 1): ("tf", ("MeanAbsoluteError", "MaeLoss"), None),
    ("LL402", 2): ("tf", ("MeanAbsoluteError", "model.loss"), None),
    # Masked means: half the elements masked out (the original divides by all of them).
    ("LL403", 0): ("torch", (rng.normal(size=8), rng.normal(size=8), [1, 0, 1, 0, 1, 0, 1, 0]), None),
    ("LL403", 1): ("torch", (rng.normal(size=8), np.array([1.0, -1.0] * 4)), None),
    ("LL403", 2): ("tf", (np.array([[1.0, -1.0, 2.0, -1.0]]), rng.normal(size=(1, 4)), "square"), None),
    ("LL403", 3): ("tf", (np.array([[1.0, -1.0, 2.0, -1.0]]), rng.normal(size=(1, 4)), "abs"), None),
    # Hard gates: inputs on both sides of the threshold (0.5).
    ("LL101", 0): ("tf", ([[0.0, 0.0, 0.0, 0.0]], [[0.1, 0.9, 0.3, 1.2]]), None),
    ("LL101", 1): ("torch", ([0.1, 0.9, 0.3, 0.7], [0.0, 1.0, 1.0, 0.0]), None),
    ("LL101", 2): ("tf", ([[0.0, 1.0, 1.0, 0.0]], [[0.1, 0.9, 0.3, 0.7]]), None),
    ("LL502", 0): ("torch", (rng.normal(size=6), rng.normal(size=6)), None),
    ("LL502", 1): ("tf", (rng.choice([-1.0, 1.0], size=(2, 3)), rng.normal(size=(2, 3))), None),
    ("LL502", 2): ("tf", (rng.normal(size=(2, 3)), rng.normal(size=(2, 3))), None),
    # Double where: identical values; at zeros / negatives the original's gradient is NaN.
    ("LL102", 0): ("torch", (rng.random(6) + 0.1,), ([0.0, 0.5, -1.0],)),
    ("LL102", 2): ("tf", (rng.random((2, 3)), rng.random((2, 3)) + 0.1), ([[1.0, 0.0]], [[0.0, 0.5]])),
    ("LL102", 3): ("tf", (rng.normal(size=(2, 3)), rng.normal(size=(2, 3)), np.ones((2, 3))),
                   ([[1.0, 2.0]], [[0.5, 0.1]], [[0.0, 0.0]])),
    ("LL102", 7): ("torch", (rng.normal(size=6), rng.normal(size=6), rng.random(6) + 0.1),
                   ([0.5, 1.0], [0.0, 0.0], [0.0, 1.0])),
    ("LL102", 8): ("tf", (rng.normal(size=(2, 3)), rng.normal(size=(2, 3))), ([[0.0, 0.0]], [[1.0, -0.5]])),
    ("LL505", 0): ("torch", (rng.normal(size=6), rng.random(6)), None),
    ("LL505", 2): ("torch", (rng.normal(size=6), rng.random(6), rng.random(6)), None),
    ("LL212", 0): ("torch", (np.concatenate([np.logspace(-9, -1, 8), rng.normal(size=8)]),), None),
    ("LL212", 1): ("torch", (np.concatenate([-np.logspace(-9, 0, 8), rng.normal(size=8)]),), None),
    ("LL212", 2): ("tf", (rng.normal(size=(2, 4)), np.logspace(-9, 0, 8).reshape(2, 4)), None),
    ("LL212", 3): ("tf", (rng.normal(size=(2, 4)), np.logspace(-9, 0, 8).reshape(2, 4)), None),
    # Ordinary inputs: same values; edge inputs: the original overflows, softplus stays finite.
    ("LL216", 0): ("torch", (rng.normal(size=16) * 5, rng.random(16)), ([100.0, 3.0], [1.0, 0.0])),
    ("LL216", 1): ("torch", (rng.normal(size=16) * 5,), ([-100.0, 2.0],)),
    ("LL216", 2): ("tf", (rng.choice([-1.0, 1.0], size=(4, 3)), rng.normal(size=(4, 3)) * 5),
                   ([[1.0, -1.0]], [[-100.0, 2.0]])),
    ("LL216", 3): ("tf", (rng.choice([-1.0, 1.0], size=(4, 3)), rng.normal(size=(4, 3)) * 5),
                   ([[1.0, -1.0]], [[-100.0, 2.0]])),
    ("LL501", 0): ("torch", (rng.normal(size=8), rng.integers(0, 2, size=8).astype(float)), None),
    ("LL501", 1): ("torch", (rng.random((4, 5)), rng.random((4, 1))), None),
    ("LL501", 2): ("tf", (rng.normal(size=(4, 3)), rng.normal(size=(4, 3))), None),
    ("LL501", 3): ("tf", (rng.normal(size=(4, 3)), rng.normal(size=(4, 3))), None),
}
SPECS = load_specs()


def fixed_examples():
    for code, spec in SPECS.items():
        if spec.runs_in == "file":
            continue  # LL901's fix removes a comment: there are no values to compare
        for i, example in enumerate(spec.examples):
            if example.fixed:
                yield code, i, example


def test_every_fix_example_has_a_numeric_case():
    assert {(code, i) for code, i, _ in fixed_examples()} == set(CASES)


@pytest.mark.parametrize("code, index, example", list(fixed_examples()), ids=lambda v: str(v)[:12])
def test_fix_numerics(code, index, example):
    framework, ordinary, edge = CASES[(code, index)]
    assert example.framework in (("torch",) if framework == "torch" else ("tf", "keras"))
    run = torch_run if framework == "torch" else tf_run
    original, fixed = (None, None) if code == "LL402" else (loss_callable(example.code), loss_callable(example.fixed))
    if code in ("LL501", "LL502"):
        _check_gradient_restored(framework, original, fixed, ordinary)
        return
    if code == "LL219":
        _check_intended_cross_entropy(framework, original, fixed, ordinary, edge)
        return
    if code == "LL402":
        _check_sample_weights_apply(example, ordinary)
        return
    if code == "LL505":
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            torch_run(original, *ordinary)
        loss, grads = torch_run(fixed, *ordinary)
        assert finite(loss, grads) and torch.any(grads[0] != 0)
        return
    if code == "LL101":
        _check_gradient_reaches_both_sides(framework, original, fixed, ordinary)
        return
    if code == "LL403":
        _check_masked_mean(framework, original, fixed, ordinary)
        return
    loss_before, grads_before = run(original, *ordinary)
    loss_after, grads_after = run(fixed, *ordinary)
    # Both forms agree on ordinary inputs (exactly the point of a safe fix; the clamp is inactive there).
    np.testing.assert_allclose(loss_after, loss_before, rtol=1e-5, atol=1e-6)
    for before, after in zip(grads_before, grads_after):
        assert (before is None) == (after is None), "the fix changed which inputs the loss depends on"
        if before is None:
            continue
        np.testing.assert_allclose(np.asarray(after), np.asarray(before), rtol=1e-4, atol=1e-6)
    if edge is not None:
        assert not finite(*run(original, *edge)), "the edge input breaks the original"
        assert finite(*run(fixed, *edge)), "the fix removes the inf/NaN from loss and gradients"


def _reference_cross_entropy(logits, target) -> float:
    """Cross-entropy from the logits in float64 numpy: sum over the batch."""
    logits = np.asarray(logits, dtype=np.float64)
    log_probs = logits - logits.max(-1, keepdims=True)
    log_probs -= np.log(np.exp(log_probs).sum(-1, keepdims=True))
    target = np.asarray(target)
    if _is_labels(target):
        return float(-log_probs[np.arange(len(target)), target].sum())
    return float(-(target * log_probs).sum())


def _check_intended_cross_entropy(framework, original, fixed, inputs, reduction):
    """LL219's fix changes the values on purpose: to the cross-entropy of the logits."""
    run = torch_run if framework == "torch" else tf_run
    logits, target = (inputs[0], inputs[1]) if framework == "torch" else (inputs[1], inputs[0])
    reference = _reference_cross_entropy(logits, target) / (len(logits) if reduction == "mean" else 1)
    np.testing.assert_allclose(run(fixed, *inputs)[0], reference, rtol=1e-4)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        before = run(original, *inputs)[0]
    if any("produced by a Softmax activation" in str(w.message) for w in caught):
        return  # Keras itself flags the double softmax and recovers the logits from its own softmax
    assert not np.allclose(before, reference, rtol=1e-2)


def _keras_loss(code: str, name: str):
    """The loss an LL402 example hands to Keras, as Keras calls it (with sample_weight)."""
    import keras

    namespace: dict = {"__name__": "example"}
    exec(compile(textwrap.dedent(code), "<example>", "exec"), namespace)
    loss = namespace["model"].loss if name == "model.loss" else namespace[name]
    if inspect.isclass(loss):
        return loss()

    class Wrapped(keras.losses.Loss):  # what compile(loss=fn) does with a function
        def call(self, y_true, y_pred):
            return loss(y_true, y_pred)
    return Wrapped()


def _check_sample_weights_apply(example, reference_name):
    """LL402: with the fix, Keras weighs each sample; without it, the weights hit the batch mean."""
    import keras

    y_true = np.array([[0.0], [1.0], [2.0], [3.0]], dtype=np.float32)
    y_pred = np.array([[2.0], [1.5], [1.0], [3.0]], dtype=np.float32)  # sample 0 is not the batch mean
    weights = np.array([1.0, 0.0, 0.0, 0.0], dtype=np.float32)
    builtin, name = reference_name
    reference = float(getattr(keras.losses, builtin)()(y_true, y_pred, sample_weight=weights))
    fixed = float(_keras_loss(example.fixed, name)(y_true, y_pred, sample_weight=weights))
    original = float(_keras_loss(example.code, name)(y_true, y_pred, sample_weight=weights))
    np.testing.assert_allclose(fixed, reference, rtol=1e-6)
    assert not np.isclose(original, reference)


def _check_gradient_reaches_both_sides(framework, original, fixed, inputs):
    """LL101: the hard gate's gradient is exactly 0 on the cut side; the soft gate's is not."""
    run = torch_run if framework == "torch" else tf_run
    prediction = 0 if framework == "torch" else 1
    before = np.asarray(run(original, *inputs)[1][prediction])
    after = np.asarray(run(fixed, *inputs)[1][prediction])
    assert np.any(before == 0), "some predictions get no gradient from the hard gate"
    assert np.all(np.isfinite(after)) and np.all(after != 0), "the soft gate gives every prediction a gradient"


def _check_masked_mean(framework, original, fixed, inputs):
    """LL403's fix changes the values on purpose: to the mean over the unmasked elements."""
    run = torch_run if framework == "torch" else tf_run
    a, b = np.asarray(inputs[0], dtype=np.float64), np.asarray(inputs[1], dtype=np.float64)
    if framework == "torch":  # (pred, target[, mask]): the mask is given or is target > 0
        pred, target = a, b
        mask = np.asarray(inputs[2], dtype=bool) if len(inputs) > 2 else target > 0
        reference = np.mean(((pred - target) ** 2 if len(inputs) > 2 else np.abs(pred - target))[mask])
    else:  # (y_true, y_pred): the mask is y_true >= 0 (tf) / y_true != -1 (keras)
        y_true, y_pred = a, b
        mask = y_true >= 0
        reference = np.mean(((y_true - y_pred) ** 2 if inputs[2] == "square" else np.abs(y_true - y_pred))[mask])
        inputs = inputs[:2]
    np.testing.assert_allclose(run(fixed, *inputs)[0], reference, rtol=1e-5)
    assert not np.isclose(run(original, *inputs)[0], reference, rtol=1e-3)


def _check_gradient_restored(framework, original, fixed, inputs):
    if framework == "torch":
        # numpy either calls the tensor's own method with numpy keywords (``t.sum(axis=...)``: TypeError)
        # or converts it (``t.numpy()`` on a tensor that requires grad: RuntimeError); math cannot
        # convert a multi-element tensor to a float (ValueError).
        with pytest.raises((TypeError, RuntimeError, ValueError)), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch warns about converting a tensor that requires grad
            torch_run(original, *inputs)
        loss, grads = torch_run(fixed, *inputs)
        assert finite(loss, grads) and grads[0] is not None and torch.any(grads[0] != 0)
    else:
        try:
            loss_before, grads_before = tf_run(original, *inputs)
        except (TypeError, ValueError):
            loss_before = None  # math.* cannot convert a multi-element tensor at all
        else:
            assert all(g is None for g in grads_before), "numpy cut the loss from the tape"
        loss, grads = tf_run(fixed, *inputs)
        if loss_before is not None:
            np.testing.assert_allclose(loss, loss_before, rtol=1e-5)
        assert all(g is not None and np.any(g != 0) for g in grads)


# Rules without a fix: the bad examples really break on an outlier and are fine on ordinary inputs.
NO_FIX_CASES = {
    ("LL204", 0): ("tf", ([[0.1, 0.2]], [[0.3, 0.1]]), ([[0.0, 0.0]], [[100.0, 0.0]])),
    ("LL204", 1): ("torch", ([0.3, 1.0], [0.1, 0.5]), ([10.0, 0.0], [0.0, 0.0])),
    ("LL204", 2): ("torch", ([0.3, 1.0], [0.1, 0.5]), ([10.0, 0.0], [0.0, 0.0])),
    ("LL204", 3): ("tf", ([[0.1, 0.2]], [[0.3, 0.1]]), ([[0.0, 0.0]], [[10.0, 0.0]])),
    ("LL204", 4): ("torch", ([0.1, -2.0],), ([5.0, 0.0],)),
    ("LL207", 0): ("torch", ([0.3, 0.6], [1.0, 0.0]), ([1.0, 0.5], [0.0, 1.0])),
    ("LL207", 2): ("tf", ([[1.0, 0.0]], [[0.7, 0.2]]), ([[0.0, 1.0]], [[1.0, 0.2]])),
    ("LL206", 0): ("torch", ([0.5, 1.0], [0.1, 0.2]), ([0.1, 1.0], [0.5, 0.2])),
    ("LL206", 1): ("torch", ([0.5, 1.0], [0.1, 0.2]), ([0.1, 1.0], [0.5, 0.2])),
    ("LL206", 2): ("tf", ([[0.5, 1.0]], [[0.1, 0.2]]), ([[0.1, 1.0]], [[0.5, 0.2]])),
    ("LL206", 3): ("tf", ([[0.1, 0.2]], [[0.5, 1.0]]), ([[0.5, 0.2]], [[0.1, 1.0]])),
}


# Reduced precision: the loss is finite in float32 and not in float16 (what autocast / the policy runs).
HALF_PRECISION_CASES = {("LL207", 1): ("torch", "NLLLoss"), ("LL207", 3): ("tf", "log_loss")}


def test_every_no_fix_bad_example_has_a_numeric_case():
    # LL6xx and LL401 are about API behaviour (tested below), LL301/LL302 about gradient scale: no inf/NaN.
    expected = {(code, i) for code, spec in SPECS.items() if all_rules()[code].fix_applicability is None
                and not code.startswith("LL6") and all_rules()[code].runs_in != "file"
                and code not in ("LL301", "LL302", "LL401", "LL504", "LL103", "LL503", "LL104", "LL105", "LL505",
                                 "LL404")
                for i, e in enumerate(spec.examples) if e.kind == "bad"}
    assert expected == set(NO_FIX_CASES) | set(HALF_PRECISION_CASES)


@pytest.mark.parametrize("case", sorted(HALF_PRECISION_CASES))
def test_eps_vanishes_in_half_precision(case):
    framework, name = HALF_PRECISION_CASES[case]
    f = loss_callable(SPECS[case[0]].examples[case[1]].code, name)
    prob, target = np.array([[0.0, 0.5]]), np.array([[1.0, 1.0]])
    if framework == "torch":
        def run(dtype):
            return float(f(torch.tensor(prob, dtype=dtype), torch.tensor(target, dtype=dtype)))
        single, half = run(torch.float32), run(torch.float16)
    else:
        def run(dtype):
            return float(tf.reduce_sum(f(tf.constant(target, dtype=dtype), tf.constant(prob, dtype=dtype))))
        single, half = run(tf.float32), run(tf.float16)
    assert np.isfinite(single) and not np.isfinite(half)


@pytest.mark.parametrize("case", sorted(NO_FIX_CASES))
def test_bad_example_breaks_on_the_edge(case):
    framework, ordinary, edge = NO_FIX_CASES[case]
    example = SPECS[case[0]].examples[case[1]]
    run = torch_run if framework == "torch" else tf_run
    f = loss_callable(example.code)
    assert finite(*run(f, *ordinary))
    assert not finite(*run(f, *edge))


def test_keras_calls_a_loss_with_the_labels_first():
    """LL602's premise, observed: the first argument Keras passes is y_true."""
    import keras

    seen = {}

    def probe(first, second):
        seen["first"] = np.asarray(first)
        return keras.ops.mean(keras.ops.square(first - second), axis=-1)

    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(loss=probe, run_eagerly=True)
    labels = np.full((4, 1), 7.0, dtype="float32")
    model.evaluate(np.zeros((4, 1), dtype="float32"), labels, verbose=0)
    np.testing.assert_array_equal(seen["first"], labels)


def test_leaf_accumulators_fail_loudly_or_silently():
    """LL603: ``+=`` on the leaf raises; ``loss = loss + x.item()`` backpropagates into nothing."""
    weight = torch.nn.Parameter(torch.tensor([2.0]))
    outputs, targets = [weight * 1.0, weight * 3.0], [torch.tensor([1.0]), torch.tensor([0.0])]
    in_place = loss_callable(SPECS["LL603"].examples[0].code)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        in_place(outputs, targets)
    through_item = loss_callable(SPECS["LL603"].examples[1].code)
    through_item(outputs, targets).sum().backward()  # no error ...
    assert weight.grad is None  # ... and no gradient for the model


@pytest.mark.parametrize("index", [i for i, e in enumerate(SPECS["LL401"].examples) if e.kind == "bad"])
def test_backward_of_an_unreduced_loss_raises(index):
    """LL401's bad examples fail exactly as the rule says; the good ones train."""
    model = torch.nn.Linear(3, 4)
    x, y_float, y_class = torch.randn(5, 3), torch.randn(5, 4), torch.randint(0, 4, (5,))
    step = loss_callable(SPECS["LL401"].examples[index].code, "train_step")
    two_heads = torch.nn.Linear(3, 4)
    args = {0: (model, x, y_float), 1: (model, x, y_float, torch.rand(5, 4)), 2: (model, x, y_class),
            3: (lambda inputs: (model(inputs), two_heads(inputs)), x, y_class)}[index]
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        step(*args)
    if index == 3:  # the helper's gathered hinge, one per sample, fails the same way
        rank_loss = loss_callable(SPECS["LL401"].examples[index].code, "rank_loss")
        with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
            rank_loss(model(x), two_heads(x), y_class).backward()


@pytest.mark.parametrize("index", [i for i, e in enumerate(SPECS["LL504"].examples) if e.kind == "bad"])
def test_rewrapped_prediction_gets_no_gradient(index):
    """LL504: what is computed from the re-wrapped copy does not reach the prediction."""
    example = SPECS["LL504"].examples[index]
    f = loss_callable(example.code)
    a, b = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    if example.framework == "torch" or "np.array" in example.code:  # copies cut from the graph / tape
        assert gradient_to_prediction(f, example.framework, a, b) is None
    else:  # tf.constant passes an eager tensor through, but fails in a tf.function, as Keras runs losses
        compiled = tf.function(f)
        with pytest.raises(TypeError, match="Expected any non-tensor type"):
            compiled(tf.constant(b, dtype=tf.float32), tf.Variable(a.astype(np.float32)))

@pytest.mark.parametrize("index", [i for i, e in enumerate(SPECS["LL103"].examples) if e.kind == "bad"])
def test_step_functions_give_the_prediction_no_gradient(index):
    """LL103: the gradient reaching the prediction is None, or zero everywhere."""
    example = SPECS["LL103"].examples[index]
    prediction, labels = rng.random((4, 3)) + 0.05, (rng.random((4, 3)) > 0.5).astype(float)
    grad = gradient_to_prediction(loss_callable(example.code), example.framework, prediction, labels)
    assert grad is None or np.all(grad == 0)

def test_python_values_break_the_gradient():
    """LL503: each bad example loses the gradient in the way its message says."""
    examples = [e for e in SPECS["LL503"].examples if e.kind == "bad"]
    pred = torch.tensor([0.5, -2.0, 1.0], requires_grad=True)
    target = torch.tensor([0.0, 0.0, 1.0])
    # float(pred.abs().max()) is a constant to autograd: the gradient misses the scale's own term.
    loss = loss_callable(examples[0].code)(pred, target)
    (dropped,) = torch.autograd.grad(loss, pred)
    kept = ((pred - target) ** 2).mean() / pred.abs().max()
    (full,) = torch.autograd.grad(kept, pred)
    assert torch.isclose(loss, kept) and not torch.allclose(dropped, full)
    # A loss returned by .item() is a float: nothing to backpropagate.
    assert isinstance(loss_callable(examples[1].code)(pred, target), float)
    # .numpy() / float() of a symbolic tensor fail inside tf.function, as Keras runs losses.
    for example in examples[2:]:
        compiled = tf.function(loss_callable(example.code))
        with pytest.raises((AttributeError, TypeError, NotImplementedError, ValueError)):
            compiled(tf.constant([[0.0, 1.0]]), tf.constant([[0.5, 0.2]]))


def test_inplace_item_assignment_raises():
    f = loss_callable(SPECS["LL505"].examples[1].code)
    logits = torch.randn(6, requires_grad=True)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        f(logits, torch.tensor([1.0, -1.0, 0.5, -1.0, 2.0, 0.0])).backward()


@pytest.mark.parametrize("index", [i for i, e in enumerate(SPECS["LL105"].examples) if e.kind == "bad"])
def test_detached_prediction_gets_no_gradient(index):
    """LL105: the detached prediction receives no gradient from the loss."""
    example = SPECS["LL105"].examples[index]
    a, b = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    assert gradient_to_prediction(loss_callable(example.code), example.framework, a, b) is None

def test_builtin_max_of_tensors_fails_in_graph_mode(tmp_path, monkeypatch):
    """LL104: even with its source readable by AutoGraph, builtin max() of tensors raises."""
    (tmp_path / "ll104_example.py").write_text(SPECS["LL104"].examples[1].code)
    monkeypatch.syspath_prepend(str(tmp_path))
    import ll104_example

    with pytest.raises(Exception, match="Python `bool` is not allowed"):
        tf.function(ll104_example.worst_case_loss)(tf.constant([[0.0, 1.0]]), tf.constant([[0.5, 0.2]]))


def _sum_terms(expression) -> list:
    import libcst as cst

    if isinstance(expression, cst.BinaryOperation) and isinstance(expression.operator, cst.Add):
        return _sum_terms(expression.left) + [expression.right]
    return [expression]


def _term_variants(code: str) -> list[str]:
    """The example with its loss reduced to one weighted term at a time."""
    import libcst as cst

    module = cst.parse_module(textwrap.dedent(code).lstrip("\n"))
    lines = module.code.splitlines()
    accumulation = [i for i, line in enumerate(lines) if "+=" in line]
    if accumulation:  # loss = a * x; loss += b * y: keep one of the two contributions
        first = next(i for i, line in enumerate(lines) if line.strip().startswith("loss = "))
        only_first = lines[:accumulation[0]] + lines[accumulation[0] + 1:]
        only_second = list(lines)
        only_second[first] = only_second[first].replace("loss = ", "loss = 0.0 * ", 1)
        return ["\n".join(only_first), "\n".join(only_second)]

    class Keep(cst.CSTTransformer):
        def __init__(self, index):
            self.index = index

        def leave_Return(self, original, updated):
            return updated.with_changes(value=_sum_terms(updated.value)[self.index])

    returned = [n for n in module.body[-1].body.body if isinstance(n, cst.SimpleStatementLine)][-1].body[0].value
    return [module.visit(Keep(i)).code for i in range(len(_sum_terms(returned)))]


@pytest.mark.parametrize("index", [i for i, e in enumerate(SPECS["LL301"].examples) if e.kind == "bad"])
def test_mixed_weights_make_gradient_norms_differ_beyond_the_bound(index):
    """LL301: each weighted term alone; the norms of their input gradients differ by more than 1e4."""
    example = SPECS["LL301"].examples[index]
    norms = []
    for variant in _term_variants(example.code):
        f = loss_callable(variant)
        arrays = [rng.random((4, 3)) + 0.5 for _ in range(len(inspect.signature(f).parameters))]
        if example.framework == "torch":
            _, grads = torch_run(f, *arrays)
            flat = [g.numpy().ravel() for g in grads if g is not None]
        else:
            _, grads = tf_run(f, *arrays)
            flat = [g.ravel() for g in grads if g is not None]
        norms.append(float(np.linalg.norm(np.concatenate(flat))))
    assert len(norms) >= 2 and max(norms) / min(norms) > 1e4, norms


@pytest.mark.parametrize("index", [i for i, e in enumerate(SPECS["LL404"].examples) if e.kind == "bad"])
def test_rank_mismatch_broadcasts_to_all_pairs(index):
    """LL404: with labels (N,) and predictions (N, 1), as Keras passes them, the loss sees N x N pairs."""
    code = "\n".join(line for line in textwrap.dedent(SPECS["LL404"].examples[index].code).splitlines()
                     if not line.startswith("model.fit"))  # build and compile; no training
    namespace: dict = {"__name__": "example"}
    exec(compile(code, "<example>", "exec"), namespace)
    model = namespace["model"] if "model" in namespace else namespace["build_model"]()
    loss = model.loss  # the loss exactly as compiled
    labels = tf.constant([0.0, 1.0, 2.0, 3.0])
    predictions = tf.reshape(labels, (4, 1))  # a perfect model
    per_sample = np.asarray(loss(labels, predictions))
    assert per_sample.shape == (4,)
    assert np.all(per_sample > 0), "a perfect prediction is penalised: every label meets every prediction"
