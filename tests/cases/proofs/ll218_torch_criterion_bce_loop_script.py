import torch
import torch.nn as nn

from tests.cases.proofs._support import assert_finite, assert_no_gradient, run_script


def prove(path):
    scope = run_script(path)
    assert_finite(scope["loss"].detach().numpy(), what="the training loss")
    # A one-weight model that is confidently wrong on its only sample: logit 200 for a 0 label.
    model = nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.fill_(100.0)
        model.bias.zero_()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)
    loss = scope["train_step"](model, optimizer, torch.tensor([[2.0]]), torch.tensor([[0.0]]))
    assert float(loss) == 100.0, "BCELoss clamps log(0) at -100"
    assert_no_gradient(model.weight.grad.numpy(), what="the gradient to the weight")
