import numpy as np

from tests.cases.proofs._support import assert_healthy, load, torch_loss_and_grads


def prove(path):
    scores = np.array([[2.0, 1.0, 0.5, 3.0], [0.1, 0.2, 0.3, 0.4]], dtype=np.float32)
    pad_mask = np.array([[0.0, 0.0, 0.0, 1.0], [0.0, 0.0, 1.0, 1.0]], dtype=np.float32)
    target = np.array([0, 1])
    loss, (grad, _, _) = torch_loss_and_grads(load(path).masked_pointer_loss, scores, target, pad_mask, grad=(0,))
    assert_healthy(loss, grad)
