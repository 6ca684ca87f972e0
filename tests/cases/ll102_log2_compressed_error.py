# case: an error compressed by log2 above 1 with torch.where: log2 is evaluated at every element, and at a perfect prediction (error 0) its infinite gradient times the where's 0 is NaN
# source: pytorch/pytorch#108618
# expect: LL102:10
import torch


def log_compressed_l1_loss(pred, target):
    err = (pred - target).abs()
    # linear up to 1, logarithmic beyond (the branches meet at 1)
    robust = torch.where(err > 1, 1 + torch.log2(err), err)
    return robust.mean()
