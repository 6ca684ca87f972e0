import math

import torch
import torch.nn as nn

from tests.cases.proofs._support import assert_finite, run_script


def prove(path):
    scope = run_script(path)
    assert_finite(scope["loss"].detach().numpy(), what="the training loss")
    # A linear "model" that is confident and right on every sample: logit 50 on the true class.
    model = nn.Linear(10, 10, bias=False)
    with torch.no_grad():
        model.weight.copy_(50.0 * torch.eye(10))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)
    target = torch.arange(10)
    loss = scope["train"](model, optimizer, torch.eye(10), target)
    floor = math.log(1 + 9 / math.e)  # 1.46: the loss of a perfect classifier under a double softmax
    assert float(loss) > floor - 1e-4, float(loss)
    assert float(model.weight.grad.abs().max()) < 1e-6, "the gradient should have vanished"
