# case: a "confident" L1 that counts only predictions above 0.5: below the gate the loss is the constant 0, so those samples get no gradient and can never rise past the threshold
# source: realistic
# expect: LL101:14
# style: training-script
import torch
import torch.nn as nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 1), nn.Sigmoid())
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)


def confident_loss(pred, target):
    return torch.where(pred > 0.5, (pred - target).abs(), torch.zeros_like(pred)).mean()


x = torch.randn(16, 4)
y = torch.ones(16, 1)
for step in range(3):
    optimizer.zero_grad()
    loss = confident_loss(model(x), y)
    loss.backward()
    optimizer.step()
