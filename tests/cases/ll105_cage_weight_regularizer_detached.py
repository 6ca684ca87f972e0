# case: a regularizer on predicted mean-value-coordinate weights that detaches them first, so the term sends no gradient, whatever its weight
# source: yifita/deep_cage#16
# expect: LL105:9
# select: LL105
import torch


def mvc_reg_loss(weights):
    weights = weights.detach()
    # penalize negative coordinates
    return (torch.relu(-weights) ** 2).sum(dim=-1).mean()


def total_loss(recon_loss, weights, mvc_weight=1.0):
    return recon_loss + mvc_weight * mvc_reg_loss(weights)
