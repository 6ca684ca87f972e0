# case: nn.BCELoss on torch.sigmoid(pred) instead of BCEWithLogitsLoss: saturated wrong logits (the report's 24 ... 193) are clamped at a loss of 100 and get no gradient
# source: pytorch/pytorch#39435
# expect: LL218:9
import torch
import torch.nn as nn


def classification_loss(pred, targ):
    return nn.BCELoss()(torch.sigmoid(pred), targ)
