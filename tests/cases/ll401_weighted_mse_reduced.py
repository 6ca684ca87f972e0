# case: a per-element MSE (reduction="none") weighted by confidence and then averaged before backward() (the correct shape)
# source: realistic
# expect: none
# near: LL401
# style: training-script
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
model = nn.Linear(3, 2)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
for step in range(3):
    x, y = torch.randn(8, 3), torch.randn(8, 2)
    confidence = torch.rand(8, 2)
    optimizer.zero_grad()
    per_element = F.mse_loss(model(x), y, reduction="none")
    loss = (per_element * confidence).mean()
    loss.backward()
    optimizer.step()
