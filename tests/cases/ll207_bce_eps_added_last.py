# case: the hand-written BCE with the eps added last, log(1 - p + 1e-10): the eps is added to the value that reaches 0, and survives
# source: realistic
# expect: none
# near: LL207, LL201
import torch
import torch.nn as nn


class GuardedBCELoss(nn.Module):
    def forward(self, prob, target):
        return -(target * torch.log(prob + 1e-10) + (1 - target) * torch.log(1 - prob + 1e-10)).mean()
