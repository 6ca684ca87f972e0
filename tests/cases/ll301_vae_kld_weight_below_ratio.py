# case: vanilla VAE loss with kld_weight = 0.00025 (the value asked about in the report): the weights are 4000 apart, inside the default ratio of 1e4
# source: AntixK/PyTorch-VAE#56
# expect: none
# near: LL301
import torch
import torch.nn.functional as F


def loss_function(recons, input, mu, log_var, kld_weight=0.00025):
    recons_loss = F.mse_loss(recons, input)
    kld_loss = torch.mean(-0.5 * torch.sum(1 + log_var - mu ** 2 - log_var.exp(), dim=1), dim=0)
    loss = recons_loss + kld_weight * kld_loss
    return {"loss": loss, "Reconstruction_Loss": recons_loss.detach(), "KLD": -kld_loss.detach()}
