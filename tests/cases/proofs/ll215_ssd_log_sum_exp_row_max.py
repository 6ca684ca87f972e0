import numpy as np

from tests.cases.proofs._support import assert_healthy, load, torch_loss_and_grads

# Confidence logits of two priors: a confident one near 100 and one whose row lies ~400 below it
# (where a single global maximum would underflow the second row to log(0)).
CONF = np.array([[100.0, 0.0, -5.0], [-300.0, -310.0, -305.0]], dtype=np.float32)
TARGET = np.array([0, 2])


def prove(path):
    loss, (grad, _) = torch_loss_and_grads(load(path).confidence_loss, CONF, TARGET, grad=(0,))
    assert_healthy(loss, grad)
