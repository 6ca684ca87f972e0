# case: the VAE KL term with logvar.exp(): exp of a raw log-variance head is the idiomatic form, not an exp of an unbounded square
# source: realistic
# expect: none
# near: LL204
import torch
import torch.nn.functional as F


def vae_loss(recon_logits, x, mu, logvar):
    recon = F.binary_cross_entropy_with_logits(recon_logits, x, reduction="sum")
    kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return (recon + kl) / x.shape[0]
