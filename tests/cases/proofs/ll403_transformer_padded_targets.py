import numpy as np

from tests.cases.proofs._support import assert_healthy, load, tf_loss_and_grads
from tests.cases.proofs._support_cases3 import assert_scaled_by_padding, grad_norm, padded

TOKENS = [[3, 1, 2], [2, 4]]
VOCAB = 5


def logits(length):
    rng = np.random.default_rng(0)
    base = rng.normal(size=(2, 4, VOCAB)).astype("float32")
    out = np.zeros((2, length, VOCAB), dtype="float32")
    out[:, :4] = base
    return out


def prove(path):
    loss_function = load(path).loss_function
    short, (_, g_short) = tf_loss_and_grads(loss_function, padded(TOKENS, 4), logits(4), grad=(1,))
    long, (_, g_long) = tf_loss_and_grads(loss_function, padded(TOKENS, 8), logits(8), grad=(1,))
    assert_healthy(short, g_short)
    # The same five target tokens: twice the padding, half the loss and half the gradient.
    assert_scaled_by_padding(short, long, 2.0)
    assert_scaled_by_padding(grad_norm(g_short), grad_norm(g_long), 2.0, what="the gradient norm")
