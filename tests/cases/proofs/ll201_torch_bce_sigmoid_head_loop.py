import torch

from tests.cases.proofs._support import assert_nonfinite, run_script, torch_loss_and_grads


def prove(path):
    scope = run_script(path)
    criterion = scope["bce_criterion"]
    # What the sigmoid head gives for logits of +-120: exactly 1 and 0 in float32.
    prob = torch.sigmoid(torch.tensor([120.0, -120.0, 0.3]))
    assert prob[0] == 1.0 and prob[1] == 0.0
    loss, (grad, _) = torch_loss_and_grads(criterion, prob.numpy(), [0.0, 1.0, 1.0], grad=(0,))
    assert_nonfinite(loss, grad)
