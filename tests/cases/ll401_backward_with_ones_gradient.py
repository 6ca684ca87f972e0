# case: a per-sample loss kept unreduced on purpose and backpropagated with an explicit gradient of ones (a sum)
# source: realistic
# expect: none
# near: LL401
# style: training-script
import torch
import torch.nn as nn


def squared_error_loss(pred, target):
    return (pred - target) ** 2


torch.manual_seed(0)
model = nn.Linear(3, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
for step in range(3):
    x, y = torch.randn(8, 3), torch.randn(8, 1)
    optimizer.zero_grad()
    loss = squared_error_loss(model(x), y)
    loss.backward(torch.ones_like(loss))
    optimizer.step()
