# case: a masked L1 loss divided by the number of valid elements, floored at 1 (the masked mean done right)
# source: realistic
# expect: none
# near: LL403
# style: training-script
import torch
import torch.nn as nn

torch.manual_seed(0)


def masked_l1_loss(pred, target, mask):
    return ((pred - target).abs() * mask).sum() / mask.sum().clamp_min(1)


model = nn.Linear(4, 6)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
for step in range(3):
    x, y = torch.randn(5, 4), torch.randn(5, 6)
    mask = (torch.rand(5, 6) > 0.3).float()
    optimizer.zero_grad()
    loss = masked_l1_loss(model(x), y, mask)
    loss.backward()
    optimizer.step()
