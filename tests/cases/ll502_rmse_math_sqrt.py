# case: an RMSE criterion takes math.sqrt of the MSE tensor: the loss comes back as a Python float, with nothing to backpropagate
# source: realistic
# expect: LL502:12
import math

import torch.nn as nn
import torch.nn.functional as F


class RMSELoss(nn.Module):
    def forward(self, pred, target):
        return math.sqrt(F.mse_loss(pred, target) + 1e-8)
