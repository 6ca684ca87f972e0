# case: a PyTorch loss written (pred, target), PyTorch's own convention, called that way in the training loop
# source: realistic
# expect: none
# near: LL602
# style: training-script
import torch
import torch.nn as nn


def weighted_l1_loss(pred, target, weight=2.0):
    return (weight * (pred - target).abs() * (target > 0) + (pred - target).abs() * (target <= 0)).mean()


torch.manual_seed(0)
model = nn.Linear(3, 2)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for step in range(3):
    x, y = torch.randn(8, 3), torch.randn(8, 2)
    optimizer.zero_grad()
    loss = weighted_l1_loss(model(x), y)
    loss.backward()
    optimizer.step()
