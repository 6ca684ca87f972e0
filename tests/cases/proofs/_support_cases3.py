"""Helpers of the cases3 proofs: how Keras applies sample_weight to a custom loss."""

from __future__ import annotations

import numpy as np

# Two samples with very different errors: a per-sample loss weighted [1, 0] and [0, 1] must differ.
Y_TRUE = np.array([[0.0, 0.0], [0.0, 0.0]], dtype="float32")
Y_PRED = np.array([[0.5, 0.5], [2.0, 3.0]], dtype="float32")
FIRST_ONLY = np.array([1.0, 0.0], dtype="float32")
SECOND_ONLY = np.array([0.0, 1.0], dtype="float32")


def weighted(loss, y_true=Y_TRUE, y_pred=Y_PRED, weights=(FIRST_ONLY, SECOND_ONLY)):
    """The value of a Keras loss (a Loss object, or a function compiled into a model) under each
    sample_weight vector, computed the way ``fit`` computes it."""
    import keras

    if isinstance(loss, keras.losses.Loss):
        return [float(loss(y_true, y_pred, sample_weight=w)) for w in weights]
    model = keras.Sequential([keras.Input((y_pred.shape[-1],)), keras.layers.Dense(y_pred.shape[-1])])
    model.compile(optimizer="sgd", loss=loss)
    return [float(model.compute_loss(y=y_true, y_pred=y_pred, sample_weight=w)) for w in weights]


def compiled_loss(model):
    """The loss a Keras model was compiled with."""
    return model.loss


def assert_weights_ignored(values, what="the loss"):
    """sample_weight only rescales a batch scalar: moving all weight from one sample to the other,
    whose errors differ, leaves the loss unchanged."""
    first, second = values
    assert np.isfinite(first) and np.isfinite(second)
    assert abs(first - second) < 1e-6 * max(1.0, abs(first)), (
        f"{what} depends on which sample is weighted ({first} vs {second}): weights do work")


def assert_weights_work(values, what="the loss"):
    first, second = values
    assert np.isfinite(first) and np.isfinite(second)
    assert abs(first - second) > 1e-3, f"{what} ignores which sample is weighted ({first} vs {second})"


def padded(tokens, length, pad=0):
    """Right-pad each row of ``tokens`` (a list of lists) with ``pad`` to ``length``."""
    return np.array([row + [pad] * (length - len(row)) for row in tokens])


def grad_norm(grad) -> float:
    return float(np.sqrt(np.sum(np.square(np.asarray(grad, dtype=np.float64)))))


def assert_scaled_by_padding(short, long, factor, what="the loss", tol=0.05):
    """The same valid elements give ``factor`` times less when padded ``factor`` times longer:
    a masked mean would not move."""
    ratio = float(short) / float(long)
    assert abs(ratio - factor) < tol * factor, f"{what}: ratio {ratio:.3f}, expected about {factor} from the padding"


def assert_pairing_lost(loss_fn, labels_1d, preds_column):
    """Labels of shape (N,) against predictions of shape (N, 1): the loss no longer pairs a label
    with its sample. Each sample's loss is the same under any shuffle of the labels, and it is not
    the loss of that sample against its own label."""
    import tensorflow as tf

    labels_1d = np.asarray(labels_1d, dtype="float32")
    preds_column = np.asarray(preds_column, dtype="float32")
    assert labels_1d.ndim == 1 and preds_column.shape == (len(labels_1d), 1)
    per_sample = np.asarray(loss_fn(tf.constant(labels_1d), tf.constant(preds_column)))
    shuffled = np.asarray(loss_fn(tf.constant(labels_1d[::-1].copy()), tf.constant(preds_column)))
    aligned = np.asarray(loss_fn(tf.constant(labels_1d[:, None]), tf.constant(preds_column)))
    assert per_sample.shape == aligned.shape == (len(labels_1d),)
    assert np.allclose(per_sample, shuffled, rtol=1e-5), "the labels are still paired with their samples"
    assert not np.allclose(per_sample, aligned, rtol=1e-3), "the broadcast loss equals the aligned one"
    return per_sample, aligned


def keras_graph_call(loss_fn, y_true, y_pred):
    """Call a loss in graph mode the way ``model.fit`` does: inside a ``tf.function`` traced from
    Keras' own train step, which autograph does not convert, so the loss's Python builtins
    (``float()``, ``math.*``) see symbolic tensors. ``tf.function(autograph=False)`` reproduces
    that without the cost of a ``fit``."""
    import tensorflow as tf

    return tf.function(loss_fn, autograph=False)(tf.constant(y_true), tf.constant(y_pred))


def tf1_evaluate(path, fetch, feeds):
    """Build a TF1 graph-mode case (its module-level code runs, its own session included), then
    evaluate ``fetch`` (a name of the script's globals) for each feed of ``feeds``: a function of the
    script's globals returning a feed_dict. Variables are freshly initialised for the evaluation."""
    from tests.cases.proofs._support import run_script, tf1_graph

    with tf1_graph() as v1:
        scope = run_script(path)
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            return [sess.run(scope[fetch], feed_dict=feed(scope)) for feed in feeds]
