# case: a robust regression loss (pred - target) ** self.alpha with alpha = 0.8 set in __init__, used from a Lightning-style training_step: half the residuals are negative, and their fractional power is NaN
# source: realistic
# expect: LL206:17
# style: training-script
import torch
import torch.nn as nn


class RobustLoss(nn.Module):
    def __init__(self, alpha=0.8):
        super().__init__()
        self.alpha = alpha

    def forward(self, pred, target):
        # a sub-linear penalty, less sensitive to outliers than L1
        residual = pred - target
        return residual.pow(self.alpha).mean()


class LitRegressor(nn.Module):
    """A LightningModule's training_step, as a plain module (no lightning dependency)."""

    def __init__(self):
        super().__init__()
        self.net = nn.Linear(4, 1)
        self.criterion = RobustLoss()

    def training_step(self, batch, batch_idx):
        x, y = batch
        return self.criterion(self.net(x), y)


torch.manual_seed(0)
lit = LitRegressor()
optimizer = torch.optim.SGD(lit.parameters(), lr=0.01)
batch = (torch.randn(16, 4), torch.randn(16, 1))
losses = []
for step in range(2):
    optimizer.zero_grad()
    loss = lit.training_step(batch, step)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
