# case: the labels arrive as a Python list and are wrapped with torch.tensor; the prediction only changes dtype with .to()
# source: realistic
# expect: none
# near: LL504
# style: training-script
import torch
import torch.nn as nn


def ordinal_loss(pred, target_list):
    labels = torch.tensor(target_list, dtype=torch.float32)
    return ((pred.to(torch.float32).squeeze(-1) - labels) ** 2).mean()


torch.manual_seed(0)
model = nn.Linear(4, 1).double()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
for step in range(3):
    x = torch.randn(6, 4, dtype=torch.float64)
    grades = [0, 1, 2, 2, 1, 0]
    optimizer.zero_grad()
    loss = ordinal_loss(model(x), grades)
    loss.backward()
    optimizer.step()
