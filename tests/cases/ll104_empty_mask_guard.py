# case: a masked regression loss whose Python branches test a shape, None and an empty mask (compared with 0): none of them decides on the prediction's value
# source: realistic
# expect: none
# near: LL104, LL202
import torch


def masked_depth_loss(pred, target, mask, weight=None):
    if pred.dim() == 4 and weight is not None:
        pred = pred * weight
    count = mask.sum()
    if count == 0:
        return pred.sum() * 0.0
    return ((pred - target).abs() * mask).sum() / count
