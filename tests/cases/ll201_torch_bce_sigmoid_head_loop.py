# case: a PyTorch loop whose model ends in nn.Sigmoid and whose criterion is a hand-written binary cross-entropy on those probabilities: a saturated output is exactly 0 or 1 in float32 and log(p) or log(1 - p) is -inf
# source: realistic
# expect: LL201:15
# style: training-script
import torch
import torch.nn as nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1), nn.Sigmoid())
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)


def bce_criterion(prob, target):
    # binary cross-entropy on the model's probabilities
    return -(target * torch.log(prob) + (1 - target) * torch.log(1 - prob)).mean()


x = torch.randn(32, 4)
y = (x.sum(dim=1, keepdim=True) > 0).float()
for step in range(3):
    optimizer.zero_grad()
    loss = bce_criterion(model(x), y)
    loss.backward()
    optimizer.step()
