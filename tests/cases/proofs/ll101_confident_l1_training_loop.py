import numpy as np

from tests.cases.proofs._support import run_script, torch_loss_and_grads

# Two predictions below the gate, far from their target 1, and one above it.
PRED = [0.2, 0.45, 0.7]
TARGET = [1.0, 1.0, 1.0]


def prove(path):
    loss_fn = run_script(path)["confident_loss"]
    _, (grad, _) = torch_loss_and_grads(loss_fn, PRED, TARGET, grad=(0,))
    # The samples below 0.5 are 0.8 and 0.55 away from their target, yet receive no gradient.
    assert grad[0] == 0 and grad[1] == 0, grad
    assert grad[2] != 0, grad
    # And the loss jumps at the threshold: the two branches do not meet there.
    below, _ = torch_loss_and_grads(loss_fn, [0.4999], [1.0], grad=())
    above, _ = torch_loss_and_grads(loss_fn, [0.5001], [1.0], grad=())
    assert abs(float(above) - float(below)) > 0.4, (below, above)
