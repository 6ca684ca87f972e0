import numpy as np

from tests.cases.proofs._support import assert_healthy, run_script, torch_loss_and_grads
from tests.cases.proofs._support_cases3 import assert_scaled_by_padding, grad_norm


def episode(steps):
    log_probs = np.zeros((1, steps), dtype="float32")
    log_probs[0, :3] = [-0.2, -1.1, -0.7]
    advantages = np.zeros((1, steps), dtype="float32")
    advantages[0, :3] = [1.0, -0.5, 2.0]
    mask = np.zeros((1, steps), dtype="float32")
    mask[0, :3] = 1.0
    return log_probs, advantages, mask


def prove(path):
    loss_fn = run_script(path)["policy_gradient_loss"]
    short, (g_short, _, _) = torch_loss_and_grads(loss_fn, *episode(3), grad=(0,))
    long, (g_long, _, _) = torch_loss_and_grads(loss_fn, *episode(12), grad=(0,))
    assert_healthy(short, g_short)
    # The same three real steps padded to 12: the episode's loss and gradient drop by 4.
    assert_scaled_by_padding(short, long, 4.0)
    assert_scaled_by_padding(grad_norm(g_short), grad_norm(g_long), 4.0, what="the gradient norm")
