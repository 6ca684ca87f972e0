# case: a count regression scales the predicted rate exp(log_rate) by the exposure with *=, in place on exp's saved output
# source: realistic
# expect: LL505:10
import torch
import torch.nn.functional as F


def poisson_loss(log_rate, counts, exposure):
    rate = torch.exp(log_rate)
    rate *= exposure
    return F.poisson_nll_loss(rate, counts, log_input=False)
