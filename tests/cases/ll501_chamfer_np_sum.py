# case: a point-cloud Chamfer loss reduces the distance matrix with np.min / np.sum(axis=...) inside the module's forward
# source: realistic
# expect: LL501:12, LL501:13
import numpy as np
import torch
import torch.nn as nn


class ChamferLoss(nn.Module):
    def forward(self, pred_points, gt_points):
        dist = torch.cdist(pred_points, gt_points) ** 2
        to_gt = np.min(dist, axis=2)
        to_pred = np.sum(dist.min(dim=1).values, axis=1)
        return (to_gt.mean(dim=1) + to_pred / gt_points.shape[1]).mean()
