# case: VAE training loop whose KL term is written exp(logvar) - 1 - logvar + mu^2: for |logvar| below ~6e-8 exp(logvar) - 1 cancels to 0 and the KL goes negative
# source: realistic
# expect: LL212:24
# style: training-script
import torch
import torch.nn as nn
import torch.nn.functional as F


class TinyVAE(nn.Module):
    def __init__(self, dim=8, latent=2):
        super().__init__()
        self.enc = nn.Linear(dim, 2 * latent)
        self.dec = nn.Linear(latent, dim)

    def forward(self, x):
        mu, logvar = self.enc(x).chunk(2, dim=-1)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return self.dec(z), mu, logvar


def kl_divergence(mu, logvar):
    # closed-form KL(q || N(0, 1)) per sample
    return 0.5 * torch.sum(torch.exp(logvar) - 1 - logvar + mu ** 2, dim=-1)


def vae_loss(recon, x, mu, logvar):
    recon_loss = F.mse_loss(recon, x, reduction="sum") / x.size(0)
    return recon_loss + kl_divergence(mu, logvar).mean()


torch.manual_seed(0)
data = torch.randn(32, 8)
model = TinyVAE()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
for step in range(10):
    optimizer.zero_grad()
    recon, mu, logvar = model(data)
    loss = vae_loss(recon, data, mu, logvar)
    loss.backward()
    optimizer.step()
