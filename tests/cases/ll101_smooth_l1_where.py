# case: smooth L1 written with torch.where on |d| < beta: the quadratic and the linear branch meet at the threshold, so the gate is continuous
# source: realistic
# expect: none
# near: LL101
import torch
import torch.nn as nn


class SmoothL1Loss(nn.Module):
    def __init__(self, beta=1.0):
        super().__init__()
        self.beta = beta

    def forward(self, pred, target):
        d = (pred - target).abs()
        loss = torch.where(d < self.beta, 0.5 * d ** 2 / self.beta, d - 0.5 * self.beta)
        return loss.mean()
