# case: a semi-supervised VAE's Gaussian log-density takes np.log of the predicted variance: numpy on a tensor that requires grad
# source: GuHY777/SS-VAE-pytorch#1
# expect: LL501:10
import numpy as np
import torch
import torch.nn.functional as F


def log_gaussian_pro(z, z_mu, z_var):
    return -0.5 * (np.log(2 * np.pi) + np.log(z_var) + (z - z_mu) ** 2 / z_var)


def elbo_loss(x, x_recon, z, z_mu, z_logvar):
    reconstruction = F.binary_cross_entropy_with_logits(x_recon, x, reduction="sum")
    log_q = log_gaussian_pro(z, z_mu, torch.exp(z_logvar)).sum()
    log_p = log_gaussian_pro(z, torch.zeros_like(z), torch.ones_like(z)).sum()
    return reconstruction + log_q - log_p
