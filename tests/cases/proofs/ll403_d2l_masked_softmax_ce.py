import numpy as np

from tests.cases.proofs._support import assert_healthy, load, torch_loss_and_grads
from tests.cases.proofs._support_cases3 import assert_scaled_by_padding


def batch(num_steps):
    rng = np.random.default_rng(1)
    pred = np.zeros((2, num_steps, 6), dtype="float32")
    pred[:, :3] = rng.normal(size=(2, 3, 6))
    label = np.zeros((2, num_steps), dtype=np.int64)
    label[:, :3] = [[4, 2, 1], [5, 3, 0]]
    return pred, label, np.array([3, 2])


def prove(path):
    loss = load(path).MaskedSoftmaxCELoss()
    short, (g_short, _, _) = torch_loss_and_grads(loss, *batch(3), grad=(0,))
    long, _ = torch_loss_and_grads(loss, *batch(9), grad=(0,))
    assert_healthy(short, g_short)
    # Same tokens, num_steps 3 -> 9: every sequence's loss is divided by 3 more.
    assert_scaled_by_padding(short, long, 3.0)
