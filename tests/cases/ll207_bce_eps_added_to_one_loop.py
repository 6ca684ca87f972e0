# case: a hand-written BCE in a PyTorch loop that writes log(1e-10 + 1 - p): the eps is added to 1 first, where float32 cannot hold it, so p = 1 still gives log(0)
# source: realistic
# expect: LL207:15
# style: training-script
import torch
import torch.nn as nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 1), nn.Sigmoid())
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)


class GuardedBCELoss(nn.Module):
    def forward(self, prob, target):
        return -(target * torch.log(prob + 1e-10) + (1 - target) * torch.log(1e-10 + 1 - prob)).mean()


criterion = GuardedBCELoss()
x, y = torch.randn(16, 4), (torch.rand(16, 1) > 0.5).float()
for step in range(3):
    optimizer.zero_grad()
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()
