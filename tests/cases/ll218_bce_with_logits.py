# case: the same loss with nn.BCEWithLogitsLoss on the logits: exact and with a gradient for saturated logits
# source: pytorch/pytorch#39435
# expect: none
# near: LL218
import torch.nn as nn


def classification_loss(pred, targ):
    return nn.BCEWithLogitsLoss()(pred, targ)
