# case: the masked MSE with the valid-pixel count clamped to at least 1: a batch without valid pixels gives a loss of 0 instead of 0 / 0
# source: realistic
# expect: none
# near: LL202
import torch


def masked_mse_loss(pred, target, mask):
    return ((pred - target) ** 2 * mask).sum() / mask.sum().clamp(min=1)
