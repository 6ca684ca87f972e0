import numpy as np

from tests.cases.proofs._support import assert_nonfinite, load, torch_loss_and_grads

# Embeddings that have grown: the context word's dot product with the centre word is -400.
INPUT = np.full((2, 4), 10.0)
OUTPUT = np.full((2, 4), -10.0)
NOISE = np.full((2, 3, 4), 0.1)


def prove(path):
    loss_fn = load(path).NegativeSamplingLoss()
    loss, (g_input, g_output, _) = torch_loss_and_grads(loss_fn, INPUT, OUTPUT, NOISE)
    assert_nonfinite(loss, g_input, g_output)
