# case: keypoint regression loop with a soft-argmax written exp(beta * h) / sum(exp(beta * h)): with beta = 100 a heatmap peak above ~0.89 overflows and the coordinates are NaN
# source: realistic
# expect: LL217:18
# style: training-script
import torch
import torch.nn as nn
import torch.nn.functional as F


class SoftArgmax1d(nn.Module):
    def __init__(self, size, beta=100.0):
        super().__init__()
        self.beta = beta
        self.register_buffer("grid", torch.linspace(0.0, 1.0, size))

    def forward(self, heatmap):
        e = torch.exp(self.beta * heatmap)
        prob = e / e.sum(dim=-1, keepdim=True)
        return (prob * self.grid).sum(dim=-1)


torch.manual_seed(0)
features = torch.randn(16, 8)
target = torch.rand(16)
head = nn.Sequential(nn.Linear(8, 32), nn.Sigmoid())
soft_argmax = SoftArgmax1d(32)
optimizer = torch.optim.Adam(head.parameters(), lr=1e-2)
for step in range(10):
    optimizer.zero_grad()
    loss = F.mse_loss(soft_argmax(head(features)), target)
    loss.backward()
    optimizer.step()
