# case: the same closed-form VAE KL with expm1(logvar): the term stays >= 0 for tiny log-variances
# source: realistic
# expect: none
# near: LL212
import torch
import torch.nn.functional as F


def kl_divergence(mu, logvar):
    # closed-form KL(q || N(0, 1)) per sample
    return 0.5 * torch.sum(torch.expm1(logvar) - logvar + mu ** 2, dim=-1)


def vae_loss(recon, x, mu, logvar):
    recon_loss = F.mse_loss(recon, x, reduction="sum") / x.size(0)
    return recon_loss + kl_divergence(mu, logvar).mean()
