# case: soft-margin loss written log(1 + exp(-y * f)): a confidently wrong logit (-y * f > ~88) overflows exp, the loss is inf and its gradient NaN
# source: tracel-ai/burn#5373
# expect: LL216:11
import torch
import torch.nn as nn


class SoftMarginLoss(nn.Module):
    def forward(self, logits, target):
        # target holds -1 / +1 labels
        return torch.log(1 + torch.exp(-target * logits)).mean()
