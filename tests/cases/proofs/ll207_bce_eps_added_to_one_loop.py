import torch

from tests.cases.proofs._support import assert_nonfinite, run_script, torch_loss_and_grads


def prove(path):
    criterion = run_script(path)["criterion"]
    assert torch.tensor(1e-10) + 1 == 1  # the eps is lost in the first addition
    # A saturated sigmoid output of exactly 1 for a negative sample.
    loss, (grad, _) = torch_loss_and_grads(criterion, [1.0, 0.3], [0.0, 1.0], grad=(0,))
    assert_nonfinite(loss, grad)
