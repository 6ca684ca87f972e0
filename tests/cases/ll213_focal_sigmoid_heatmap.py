# case: CenterNet-style focal loss: log of a sigmoid heatmap (and of 1 - it) is log(0) once the sigmoid saturates
# source: maudzung/RTM3D#4
# expect: LL213:13, LL213:14
import torch
import torch.nn as nn


class FocalLoss(nn.Module):
    def forward(self, logits, target):
        pred = torch.sigmoid(logits)
        pos = target.eq(1).float()
        neg = 1 - pos
        pos_loss = torch.log(pred) * torch.pow(1 - pred, 2) * pos
        neg_loss = torch.log(1 - pred) * torch.pow(pred, 2) * neg
        num_pos = pos.sum()
        return -(pos_loss.sum() + neg_loss.sum()) / num_pos.clamp(min=1)
