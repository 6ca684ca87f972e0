import numpy as np
import torch

from tests.cases.proofs._support import load, torch_loss_and_grads

PARENT_OF = torch.tensor([0, 0, 1, 1])  # four fine classes under two coarse ones
COARSE = [[2.0, -1.0], [0.5, 0.2]]
FINE = [[-1.0, 0.0, 3.0, 0.1], [0.3, 2.0, 0.0, -0.5]]  # the first fine prediction contradicts its coarse one
COARSE_TRUE = np.array([0, 0])
FINE_TRUE = np.array([1, 1])


def grads(loss_fn):
    loss, (gc, gf, _, _) = torch_loss_and_grads(loss_fn, COARSE, FINE, COARSE_TRUE, FINE_TRUE, grad=(0, 1))
    return loss, gc, gf


def prove(path):
    case = load(path)
    loss0, gc0, gf0 = grads(case.HierarchicalLoss(PARENT_OF, beta=0.0))
    loss5, gc5, gf5 = grads(case.HierarchicalLoss(PARENT_OF, beta=5.0))
    # The dependency penalty is there in the value ...
    assert float(loss5) > float(loss0) + 1.0, (loss0, loss5)
    # ... but not in the gradient: beta does not change what the model learns.
    np.testing.assert_array_equal(gc0, gc5)
    np.testing.assert_array_equal(gf0, gf5)
