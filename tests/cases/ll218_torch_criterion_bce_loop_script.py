# case: training loop with criterion = nn.BCELoss() applied to torch.sigmoid(model(x)): BCELoss clamps the log at -100, so a confidently wrong sample stops contributing a gradient
# source: pytorch/pytorch#24933
# expect: LL218:14
# style: training-script
import torch
import torch.nn as nn

criterion = nn.BCELoss()


def train_step(model, optimizer, x, y):
    optimizer.zero_grad()
    outputs = torch.sigmoid(model(x))
    loss = criterion(outputs, y)
    loss.backward()
    optimizer.step()
    return loss


torch.manual_seed(0)
x = torch.randn(64, 10)
y = (x[:, :1] > 0).float()
model = nn.Linear(10, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(5):
    loss = train_step(model, optimizer, x, y)
