# case: the same focal loss with the sigmoid clamped away from 0 and 1 (the report's fix)
# source: maudzung/RTM3D#4
# expect: none
# near: LL213, LL201
import torch
import torch.nn as nn


class FocalLoss(nn.Module):
    def forward(self, logits, target):
        pred = torch.clamp(torch.sigmoid(logits), min=1e-4, max=1 - 1e-4)
        pos = target.eq(1).float()
        neg = 1 - pos
        pos_loss = torch.log(pred) * torch.pow(1 - pred, 2) * pos
        neg_loss = torch.log(1 - pred) * torch.pow(pred, 2) * neg
        num_pos = pos.sum()
        return -(pos_loss.sum() + neg_loss.sum()) / num_pos.clamp(min=1)
