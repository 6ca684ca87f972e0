import numpy as np

from tests.cases.proofs._support import assert_finite, assert_gradient, load, torch_loss_and_grads


def prove(path):
    loss_fn = load(path).angular_loss
    loss, (grad, _) = torch_loss_and_grads(loss_fn, [[2.0, 0.0, 0.0], [0.2, 0.5, 0.1]], [[1.0, 0.0, 0.0], [0.3, 0.3, 0.9]], grad=(0,))
    assert_finite(loss, grad)
    assert_gradient(grad[1], what="the gradient of the non-parallel prediction")
