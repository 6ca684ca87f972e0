"""Helpers shared by the proofs of the cases2 part of the suite (TF1 graphs evaluated after their
script ran, Keras builders, gradient norms per loss term). Built on ``_support``; nothing here
weakens its assertions."""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np


def _graph_of(*tensors):
    for t in tensors:
        graph = getattr(t, "graph", None)
        if graph is not None:
            return graph
    raise ValueError("no graph tensor among the fetches")


def tf1_loss_and_grads(loss, wrt, feed_dict):
    """Evaluate a TF1 graph-mode ``loss`` (built by a script run with ``run_tf1_script``) and its
    gradients to the tensors ``wrt`` in a fresh session (variables initialized), feeding
    ``feed_dict`` (placeholders or any intermediate tensor). Returns (loss, [grads])."""
    import tensorflow as tf

    v1 = tf.compat.v1
    graph = _graph_of(loss, *wrt)
    with graph.as_default():
        grads = v1.gradients(loss, list(wrt))
        fetch = [loss] + [g if g is not None else loss for g in grads]
        with v1.Session(graph=graph) as sess:
            sess.run(v1.global_variables_initializer())
            values = sess.run(fetch, feed_dict=feed_dict)
    out = [None if g is None else v for g, v in zip(grads, values[1:])]
    return values[0], out


def tf1_run(fetches, feed_dict):
    """Run ``fetches`` of a script's TF1 graph in a fresh session with initialized variables."""
    import tensorflow as tf

    v1 = tf.compat.v1
    flat = fetches if isinstance(fetches, (list, tuple)) else [fetches]
    graph = _graph_of(*flat)
    with graph.as_default():
        with v1.Session(graph=graph) as sess:
            sess.run(v1.global_variables_initializer())
            return sess.run(fetches, feed_dict=feed_dict)


def quiet():
    """Silence warnings and stdout of a Keras fit or a script's prints."""
    stack = contextlib.ExitStack()
    stack.enter_context(warnings.catch_warnings())
    warnings.simplefilter("ignore")
    stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
    return stack


def torch_term_grad_norms(terms, params):
    """The gradient norm of each (already weighted) torch loss term to the shared ``params``."""
    import torch

    norms = []
    for term in terms:
        grads = torch.autograd.grad(term, params, retain_graph=True, allow_unused=True)
        norms.append(float(torch.sqrt(sum((g.double() ** 2).sum() for g in grads if g is not None))))
    return norms


def tf_term_grad_norms(term_fns, variables):
    """The gradient norm of each TF/Keras loss term (a zero-argument callable) to ``variables``."""
    import tensorflow as tf

    norms = []
    for fn in term_fns:
        with tf.GradientTape() as tape:
            value = tf.reduce_sum(fn())
        grads = tape.gradient(value, variables)
        norms.append(float(np.sqrt(sum(float(tf.reduce_sum(tf.cast(g, tf.float64) ** 2)) for g in grads if g is not None))))
    return norms


def torch_grads(loss, params):
    import torch

    return [g for g in torch.autograd.grad(loss, params, retain_graph=True)]
