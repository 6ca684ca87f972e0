# case: a keypoint heatmap loss zeroes the ignored region of the sigmoid heatmap by item assignment before the MSE
# source: pytorch/pytorch#9391
# expect: LL505:13
# style: training-script
import torch
import torch.nn as nn
import torch.nn.functional as F


class HeatmapLoss(nn.Module):
    def forward(self, logits, target, ignore):
        heat = torch.sigmoid(logits)
        heat[ignore] = 0.0
        return F.mse_loss(heat, target)


torch.manual_seed(0)
head = nn.Conv2d(4, 2, kernel_size=1)
criterion = HeatmapLoss()
optimizer = torch.optim.Adam(head.parameters(), lr=1e-3)
for step in range(2):
    features, target = torch.randn(2, 4, 8, 8), torch.rand(2, 2, 8, 8)
    ignore = torch.zeros(2, 2, 8, 8, dtype=torch.bool)
    ignore[:, :, :2] = True
    optimizer.zero_grad()
    loss = criterion(head(features), target, ignore)
    loss.backward()
    optimizer.step()
