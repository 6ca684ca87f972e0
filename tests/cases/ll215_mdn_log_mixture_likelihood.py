# case: mixture density network NLL as log(sum(exp(log pi + log N))): a target far from every component underflows the sum to 0 and the loss is inf (loss: inf, then nan)
# source: keras-team/keras#1061
# expect: LL215:16
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class MixtureDensityLoss(nn.Module):
    def forward(self, pi_logits, mu, log_sigma, y):
        log_pi = F.log_softmax(pi_logits, dim=-1)
        sigma = torch.exp(log_sigma)
        log_normal = -0.5 * ((y - mu) / sigma) ** 2 - log_sigma - 0.5 * math.log(2 * math.pi)
        return -torch.log(torch.sum(torch.exp(log_pi + log_normal), dim=-1)).mean()
