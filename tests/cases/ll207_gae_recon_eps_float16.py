# case: a graph autoencoder's reconstruction loss guarded by EPS = 1e-15 and trained under float16 autocast: 1e-15 is 0 in float16, so a saturated edge probability still gives log(0)
# source: pyg-team/pytorch_geometric#2106
# expect: LL207:13, LL207:14
# style: training-script
import torch

EPS = 1e-15


def recon_loss(z, pos_edge_index, neg_edge_index):
    pos_prob = torch.sigmoid((z[pos_edge_index[0]] * z[pos_edge_index[1]]).sum(dim=-1))
    neg_prob = torch.sigmoid((z[neg_edge_index[0]] * z[neg_edge_index[1]]).sum(dim=-1))
    pos_loss = -torch.log(pos_prob + EPS).mean()
    neg_loss = -torch.log(1 - neg_prob + EPS).mean()
    return pos_loss + neg_loss


def train_step(encoder, optimizer, x, edge_index, neg_edge_index):
    optimizer.zero_grad()
    with torch.autocast("cuda", dtype=torch.float16):
        z = encoder(x, edge_index)
        loss = recon_loss(z, edge_index, neg_edge_index)
    loss.backward()
    optimizer.step()
    return loss
