# case: the same compressed error with the double where: the argument of log2 is replaced by 1 where the branch is not selected, so its gradient stays finite
# source: pytorch/pytorch#108618
# expect: none
# near: LL102, LL201
import torch


def log_compressed_l1_loss(pred, target):
    err = (pred - target).abs()
    safe = torch.where(err > 1, err, torch.ones_like(err))
    robust = torch.where(err > 1, 1 + torch.log2(safe), err)
    return robust.mean()
