# case: a loss on a power-transformed prediction ((pred + 1) ** (1/13) - 1) / lam: for a raw output below -1 the base is negative, the fractional power is NaN, and so is the loss
# source: pytorch/pytorch#131039
# expect: LL206:9
import torch.nn.functional as F


def power_transform_loss(pred, target_transformed, lam=1 / 13):
    # compare in the transformed space (the targets were transformed offline)
    pred_t = ((pred + 1).pow(lam) - 1) / lam
    return F.mse_loss(pred_t, target_transformed)
