"""Helpers for the cases1 proofs: TensorFlow 1 graph scripts evaluated after their module-level
code ran, Keras losses called on float16 inputs, torch training loops whose weights are compared
before and after a few steps."""

from __future__ import annotations

import os

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from tests.cases.proofs._support import run_script, tf1_graph  # noqa: E402


def tf1_script_grads(path, loss: str, wrt: str, feed: dict[str, object] | None = None):
    """Run a TF1 graph-mode script (its own session runs too), then evaluate the tensor named
    ``loss`` and its gradient with respect to the tensor named ``wrt`` in a fresh session, feeding
    the script's placeholders by global name. Returns (scope, loss value, gradient or None)."""
    with tf1_graph() as tf:
        scope = run_script(path)
        cost, target = scope[loss], scope[wrt]
        (grad,) = tf.gradients(cost, [target])
        feed_dict = {scope[name]: np.asarray(value, dtype=np.float32) for name, value in (feed or {}).items()}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if grad is None:
                return scope, sess.run(cost, feed_dict), None
            value, g = sess.run([cost, grad], feed_dict)
    return scope, value, g


def tf1_script(path):
    """Run a TF1 graph-mode script and return its globals (what its own session recorded)."""
    with tf1_graph():
        return run_script(path)


def torch_params(model):
    return [p.detach().clone() for p in model.parameters()]


def torch_params_changed(before, model) -> bool:
    import torch

    return any(not torch.equal(a, p.detach()) for a, p in zip(before, model.parameters()))
