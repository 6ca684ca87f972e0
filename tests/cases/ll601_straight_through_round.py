# case: a straight-through rounding module for a quantised regressor defines backward() on an nn.Module: autograd uses round's zero gradient
# source: realistic
# expect: LL601:14
# style: training-script
import torch
import torch.nn as nn
import torch.nn.functional as F


class StraightThroughRound(nn.Module):
    def forward(self, x):
        return torch.round(x)

    def backward(self, grad_output):
        return grad_output


class QuantisedRegressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(4, 1)
        self.quantise = StraightThroughRound()

    def forward(self, x):
        return self.quantise(self.linear(x) * 4) / 4


torch.manual_seed(0)
model = QuantisedRegressor()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
initial = model.linear.weight.detach().clone()
for step in range(3):
    x, y = torch.randn(16, 4), torch.randn(16, 1)
    optimizer.zero_grad()
    loss = F.mse_loss(model(x), y)
    loss.backward()
    optimizer.step()
