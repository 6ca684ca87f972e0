# case: the heatmap loss with the ignored region zeroed in a clone of the target, not in the prediction
# source: realistic
# expect: none
# near: LL505
import torch
import torch.nn as nn
import torch.nn.functional as F


class HeatmapLoss(nn.Module):
    def forward(self, logits, target, ignore):
        heat = torch.sigmoid(logits)
        target = target.clone()
        target[ignore] = 0.0
        return F.mse_loss(heat * (~ignore), target)
