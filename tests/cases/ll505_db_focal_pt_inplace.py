# case: a distribution-balanced multi-label focal loss turns the sigmoid output into p_t by item assignment, in place
# source: wutong16/DistributionBalancedLoss#20
# expect: LL505:20
import torch
import torch.nn as nn
import torch.nn.functional as F


class ResampleFocalLoss(nn.Module):
    def __init__(self, gamma=2.0, scale=5.0, init_bias=0.05):
        super().__init__()
        self.gamma = gamma
        self.scale = scale
        self.init_bias = init_bias

    def forward(self, cls_score, labels):
        logits = (cls_score - self.init_bias) * self.scale
        bce = F.binary_cross_entropy_with_logits(logits, labels, reduction="none")
        probs = torch.sigmoid(logits)
        probs[labels == 0] = 1 - probs[labels == 0]
        focal_weight = (1 - probs) ** self.gamma
        return (focal_weight * bce).mean()
