import torch.nn as nn

from tests.cases.proofs._support import assert_finite, assert_nonfinite, run_script, torch_loss_and_grads

# Rewards as the model's outputs (one per answer): the rejected answer outscores the chosen one by 120.
CHOSEN = [[-100.0], [0.5]]
REJECTED = [[20.0], [0.0]]


def prove(path):
    scope = run_script(path)
    assert_finite(scope["last_loss"].detach().numpy(), what="the training loss")
    module = scope["module"]
    module.model = nn.Identity()
    loss, (g_chosen, g_rejected) = torch_loss_and_grads(lambda c, r: module.training_step((c, r), 0), CHOSEN, REJECTED)
    assert_nonfinite(loss, g_chosen, g_rejected)
