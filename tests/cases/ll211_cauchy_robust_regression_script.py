# case: Cauchy (Lorentzian) robust regression loss log(1 + (r/c)^2) in a training loop: residuals below ~1e-4 * c give a loss and gradient of exactly 0
# source: realistic
# expect: LL211:13
# style: training-script
import torch
import torch.nn as nn

SCALE = 0.5


def cauchy_loss(pred, target, c=SCALE):
    r = (pred - target) / c
    return torch.log(1 + r ** 2).mean()


torch.manual_seed(0)
x = torch.randn(64, 3)
y = x @ torch.tensor([[1.0], [-2.0], [0.5]])
model = nn.Linear(3, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for step in range(20):
    optimizer.zero_grad()
    loss = cauchy_loss(model(x), y)
    loss.backward()
    optimizer.step()
