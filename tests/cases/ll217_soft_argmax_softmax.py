# case: the same soft-argmax with torch.softmax(beta * h): finite for any heatmap peak
# source: realistic
# expect: none
# near: LL217
import torch
import torch.nn as nn


class SoftArgmax1d(nn.Module):
    def __init__(self, size, beta=100.0):
        super().__init__()
        self.beta = beta
        self.register_buffer("grid", torch.linspace(0.0, 1.0, size))

    def forward(self, heatmap):
        prob = torch.softmax(self.beta * heatmap, dim=-1)
        return (prob * self.grid).sum(dim=-1)
