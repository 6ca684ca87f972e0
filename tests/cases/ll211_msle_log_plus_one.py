# case: MSLE loss module writes log(x + 1) for predictions and targets: below ~6e-8 both round to log(1) = 0 and the gradient is lost
# source: timeseriesAI/tsai#150
# expect: LL211:15
import torch
import torch.nn as nn


class MSLELoss(nn.Module):
    def __init__(self, reduction="mean"):
        super().__init__()
        assert reduction in ("mean", "sum", "none")
        self.mse = nn.MSELoss(reduction=reduction)

    def forward(self, input, target):
        return self.mse(torch.log(input.view(-1) + 1), torch.log(target + 1))
