import numpy as np

from tests.cases.proofs._support import assert_healthy, load, torch_loss_and_grads


def prove(path):
    loss = load(path).ClippedGradientL2Loss(clip=1.0)
    pred, target = np.array([[40.0, -0.5]], dtype="float32"), np.array([[0.0, 0.0]], dtype="float32")
    value, (grad, _) = torch_loss_and_grads(loss, pred, target, grad=(0,))
    assert_healthy(value, grad)
    assert np.abs(grad).max() <= loss.clip
