# case: the straight-through rounding done right: a torch.autograd.Function with static forward/backward, used through apply()
# source: realistic
# expect: none
# near: LL601
# style: training-script
import torch
import torch.nn as nn
import torch.nn.functional as F


class StraightThroughRound(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return torch.round(x)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output


class QuantisedRegressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(4, 1)

    def forward(self, x):
        return StraightThroughRound.apply(self.linear(x) * 4) / 4


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
