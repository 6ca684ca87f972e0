# case: a trainer's base loss is torch.zeros(1, requires_grad=True) so backward() never fails; the terms added are .item() numbers, so nothing learns
# source: pytorchbearer/torchbearer#414
# expect: LL603:17, LL503:19
# style: training-script
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
model = nn.Linear(4, 2)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
initial = model.weight.detach().clone()
for step in range(3):
    x, y = torch.randn(8, 4), torch.randn(8, 2)
    optimizer.zero_grad()
    outputs = model(x)
    loss = torch.zeros(1, requires_grad=True)
    for term in (F.l1_loss, F.mse_loss):
        loss = loss + term(outputs, y).item()
    loss.backward()
    optimizer.step()
