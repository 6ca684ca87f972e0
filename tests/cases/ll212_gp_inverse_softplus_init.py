# case: inverse softplus written log(exp(x) - 1) initialises a GP likelihood's raw noise: for a noise of 1e-8, exp(x) - 1 is 0 and the raw parameter starts at -inf
# source: cornellius-gp/gpytorch#775
# expect: LL212:10
import torch
import torch.nn as nn
import torch.nn.functional as F


def inv_softplus(x):
    return torch.log(torch.exp(x) - 1)


class GaussianLikelihood(nn.Module):
    def __init__(self, noise=1e-8):
        super().__init__()
        self.raw_noise = nn.Parameter(inv_softplus(torch.tensor([noise])))

    @property
    def noise(self):
        return F.softplus(self.raw_noise)
