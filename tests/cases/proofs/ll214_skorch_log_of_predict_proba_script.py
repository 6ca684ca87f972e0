import numpy as np
import torch.nn as nn

from tests.cases.proofs._support import assert_finite, assert_nonfinite, run_script, torch_loss_and_grads


def prove(path):
    scope = run_script(path)
    assert_finite(scope["loss"].detach().numpy(), what="the training loss")
    # The module's logits: the true class 0 trails class 3 by 150, its probability underflows to 0.
    logits = np.array([[0.0, 1.0, 2.0, 150.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]], dtype=np.float32)
    target = np.array([0])
    loss, (grad, _) = torch_loss_and_grads(
        lambda X, y: scope["get_loss"](nn.Identity(), X, y, scope["criterion"]), logits, target)
    assert_nonfinite(loss, grad)
