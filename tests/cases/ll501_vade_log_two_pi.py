# case: VaDE's Gaussian log-density uses np.log(np.pi * 2), numpy on plain numbers, next to torch ops on the tensors
# source: GuHY777/VaDE-pytorch#3
# expect: none
# near: LL501
import numpy as np
import torch
import torch.nn as nn


class GaussianLogLikelihoodLoss(nn.Module):
    @staticmethod
    def gaussian_pdf_log(x, mu, log_sigma2):
        return -0.5 * torch.sum(np.log(np.pi * 2) + log_sigma2 + (x - mu).pow(2) / torch.exp(log_sigma2), 1)

    def forward(self, z, mu, log_sigma2):
        return -self.gaussian_pdf_log(z, mu, log_sigma2).mean()
