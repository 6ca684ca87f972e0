import numpy as np

from tests.cases.proofs._support import assert_finite, assert_no_gradient, run_tf1_script
from tests.cases.proofs._support_cases2 import tf1_loss_and_grads


def prove(path):
    scope = run_tf1_script(path)
    assert_finite(scope["batch_loss"], what="the training loss")
    features = scope["features"]
    # The policy's pre-activation for alpha is 20, beyond the clip at -log(1e-6) = 13.8.
    feed = {features: [[20.0, 0.5]], scope["actions"]: [[0.3]], scope["advantages"]: [1.0]}
    loss, (grad,) = tf1_loss_and_grads(scope["loss"], [features], feed)
    assert_finite(loss)
    assert_no_gradient(grad[:, 0], what="the gradient to the clipped pre-activation")
    assert np.abs(grad[:, 1]).max() > 0
