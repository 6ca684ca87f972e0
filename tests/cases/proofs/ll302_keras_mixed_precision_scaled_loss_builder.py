import numpy as np
import tensorflow as tf

from tests.cases.proofs._support import assert_finite, assert_nonfinite, run_script
from tests.cases.proofs._support_cases2 import quiet


def compiled_loss_and_grads(model, x, y):
    """The loss as Keras computes it for the compiled model, and its gradients to the weights."""
    with tf.GradientTape() as tape:
        y_pred = model(x, training=True)
        loss = model.compute_loss(x=x, y=y, y_pred=y_pred)
    return loss.numpy(), [g.numpy() for g in tape.gradient(loss, model.trainable_variables)]


def prove(path):
    with quiet():
        scope = run_script(path)
    assert scope["model"].loss is scope["scaled_loss"]
    model = scope["build_model"]()  # fresh weights (the fit above may already have spoiled them)
    rng = np.random.RandomState(0)
    x = rng.randn(8, 4).astype("float32")
    y = (rng.randn(8, 1) * 1e-4).astype("float32")
    loss, grads = compiled_loss_and_grads(model, x, y)
    assert_finite(loss, what="the float32 loss")
    # d(loss)/d(y_pred) is about 1e8, which the float16 layers cannot hold: the weight gradients are inf/NaN.
    assert_nonfinite(*grads, what="the gradients to the float16 layers")
