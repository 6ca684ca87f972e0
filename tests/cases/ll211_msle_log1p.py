# case: the same MSLE module with log1p: small predictions keep their value and their gradient
# source: timeseriesAI/tsai#150
# expect: none
# near: LL211
import torch
import torch.nn as nn


class MSLELoss(nn.Module):
    def __init__(self, reduction="mean"):
        super().__init__()
        assert reduction in ("mean", "sum", "none")
        self.mse = nn.MSELoss(reduction=reduction)

    def forward(self, input, target):
        return self.mse(torch.log1p(input.view(-1)), torch.log1p(target))
