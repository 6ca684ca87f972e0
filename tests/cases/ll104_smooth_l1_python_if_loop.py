# case: smooth L1 written with a Python `if` on the per-element error, in a PyTorch training loop: on a batch the tensor has many values and `if` raises before the first step
# source: realistic
# expect: LL104:15
# style: training-script
import torch
import torch.nn as nn

torch.manual_seed(0)
model = nn.Linear(3, 1)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)


def smooth_l1_criterion(pred, target, beta=1.0):
    diff = torch.abs(pred - target)
    if diff < beta:
        return (0.5 * diff ** 2 / beta).mean()
    return (diff - 0.5 * beta).mean()


x, y = torch.randn(8, 3), torch.randn(8, 1)
for step in range(3):
    optimizer.zero_grad()
    loss = smooth_l1_criterion(model(x), y)
    loss.backward()
    optimizer.step()
