# case: the same soft-margin loss with F.softplus: finite (about -y * f) for confidently wrong logits
# source: tracel-ai/burn#5373
# expect: none
# near: LL216
import torch.nn as nn
import torch.nn.functional as F


class SoftMarginLoss(nn.Module):
    def forward(self, logits, target):
        # target holds -1 / +1 labels
        return F.softplus(-target * logits).mean()
