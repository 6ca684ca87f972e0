import numpy as np
import torch.nn.functional as F

from tests.cases.proofs._support import assert_nonfinite, run_script, torch_loss_and_grads

# A sharp heatmap: the peak activation 0.95 times beta = 100 is exp(95) = inf.
HEATMAP = np.full((2, 32), 0.1, dtype=np.float32)
HEATMAP[0, 5] = 0.95
HEATMAP[1, 20] = 0.6
TARGET = np.array([0.3, 0.5], dtype=np.float32)


def prove(path):
    scope = run_script(path)
    soft_argmax = scope["SoftArgmax1d"](32, beta=100.0)
    loss, (grad, _) = torch_loss_and_grads(lambda h, t: F.mse_loss(soft_argmax(h), t), HEATMAP, TARGET, grad=(0,))
    assert_nonfinite(loss, grad)
