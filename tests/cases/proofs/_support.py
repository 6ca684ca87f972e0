"""What the case proofs share: loading a case, running it with real torch / TensorFlow on the CPU,
and the assertions that show a failure (or its absence)."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import sys
import types
import uuid
import warnings
from pathlib import Path

import numpy as np


def load(path: str | Path, name: str | None = None) -> types.ModuleType:
    """Import the case file as a fresh module (a unique name: cases never share state)."""
    path = Path(path)
    module_name = name or f"losslint_case_{path.stem}_{uuid.uuid4().hex[:8]}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with contextlib.redirect_stdout(io.StringIO()):
                spec.loader.exec_module(module)
    finally:
        sys.modules.pop(module_name, None)
    return module


def run_script(path: str | Path, namespace: dict | None = None) -> dict:
    """Execute a case written as a script (module-level code) and return its globals."""
    path = Path(path)
    scope = {"__name__": "__main__", "__file__": str(path), **(namespace or {})}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), scope)
    return scope


@contextlib.contextmanager
def tf1_graph():
    """TensorFlow 1 graph mode for a script that does ``import tensorflow as tf`` and uses
    ``tf.placeholder`` / ``tf.Session``: the import yields ``tf.compat.v1`` inside a fresh graph."""
    import tensorflow as tf

    v1 = tf.compat.v1
    saved = sys.modules["tensorflow"]
    graph = tf.Graph()
    sys.modules["tensorflow"] = v1
    try:
        with graph.as_default():
            yield v1
    finally:
        sys.modules["tensorflow"] = saved


def run_tf1_script(path: str | Path, namespace: dict | None = None) -> dict:
    """Build a TF1 graph-mode script's graph (its module-level code runs; a session it opens runs
    too) and return its globals."""
    with tf1_graph():
        return run_script(path, namespace)


def torch_tensor(array, requires_grad: bool = True):
    import torch

    a = np.asarray(array)
    if a.dtype.kind in "iub":
        return torch.tensor(a)
    return torch.tensor(a, dtype=torch.float32, requires_grad=requires_grad)


def torch_loss_and_grads(loss_fn, *arrays, grad: tuple[int, ...] | None = None):
    """Call ``loss_fn`` on tensors made from ``arrays`` (floats require grad unless ``grad`` names
    the positions that do), sum the result, backpropagate; return (loss, [grads or None])."""
    import torch

    inputs = []
    for i, a in enumerate(arrays):
        wants = grad is None or i in grad
        inputs.append(a if isinstance(a, torch.Tensor) else torch_tensor(a, requires_grad=wants))
    loss = loss_fn(*inputs)
    if isinstance(loss, torch.Tensor) and loss.dim():
        loss = loss.sum()
    if isinstance(loss, torch.Tensor) and loss.requires_grad:
        loss.backward()
    value = loss.detach().numpy() if isinstance(loss, torch.Tensor) else np.asarray(loss)
    grads = [None if not isinstance(i, torch.Tensor) or i.grad is None else i.grad.numpy() for i in inputs]
    return value, grads


def tf_loss_and_grads(loss_fn, *arrays, grad: tuple[int, ...] | None = None):
    """The TensorFlow twin of ``torch_loss_and_grads`` (a GradientTape watches the float inputs)."""
    import tensorflow as tf

    inputs = []
    for i, a in enumerate(arrays):
        a = np.asarray(a)
        inputs.append(tf.constant(a) if a.dtype.kind in "iub" else tf.constant(a, dtype=tf.float32))
    watched = [t for i, t in enumerate(inputs) if t.dtype.is_floating and (grad is None or i in grad)]
    with tf.GradientTape() as tape:
        for t in watched:
            tape.watch(t)
        loss = tf.reduce_sum(loss_fn(*inputs))
    grads = tape.gradient(loss, inputs, unconnected_gradients=tf.UnconnectedGradients.NONE)
    out = []
    for t, g in zip(inputs, grads):
        out.append(None if g is None or not any(t is w for w in watched) else g.numpy())
    return loss.numpy(), out


def nonfinite(*values) -> bool:
    """Is any element of any value inf or NaN?"""
    return any(v is not None and not np.isfinite(np.asarray(v, dtype=np.float64)).all() for v in values)


def assert_nonfinite(*values, what: str = "the loss or its gradient") -> None:
    assert nonfinite(*values), f"{what} stayed finite: the case does not show its failure"


def assert_finite(*values, what: str = "the loss or its gradient") -> None:
    assert not nonfinite(*values), f"{what} is not finite"


def is_zero_or_missing(grad) -> bool:
    return grad is None or not np.any(np.asarray(grad))


def assert_no_gradient(grad, what: str = "the gradient to the prediction") -> None:
    assert is_zero_or_missing(grad), f"{what} is non-zero: the case does not show a cut gradient"


def assert_gradient(grad, what: str = "the gradient to the prediction") -> None:
    assert grad is not None and np.any(np.asarray(grad)), f"{what} is zero or missing"
    assert np.isfinite(np.asarray(grad)).all(), f"{what} is not finite"


def assert_healthy(loss, *grads) -> None:
    """A negative case: finite loss, every given gradient present, finite and non-zero."""
    assert_finite(loss, what="the loss")
    for i, g in enumerate(grads):
        assert_gradient(g, what=f"gradient {i}")


def grad_norm_ratio(norms) -> float:
    norms = [float(n) for n in norms]
    return max(norms) / min(norms)
