# case: sparse autoencoder loss accumulated as loss = mse; loss += 1e-5 * |codes|: the sparsity term weighs 1e5 less than the reconstruction and is not trained
# source: realistic
# expect: LL301:22
import torch.nn as nn
import torch.nn.functional as F

L1_COEF = 1e-5


class SparseAutoencoder(nn.Module):
    def __init__(self, dim=20, hidden=64):
        super().__init__()
        self.encoder = nn.Linear(dim, hidden)
        self.decoder = nn.Linear(hidden, dim)

    def forward(self, x):
        codes = F.relu(self.encoder(x))
        return self.decoder(codes), codes


def sparse_ae_loss(x, recon, codes):
    loss = F.mse_loss(recon, x)
    loss += L1_COEF * codes.abs().mean()
    return loss
