"""Faulty PyTorch losses: each comment names the bug losslint reports."""

import numpy as np
import torch
import torch.nn as nn


class BinaryCrossEntropyLoss(nn.Module):
    def forward(self, logits, target):
        p = torch.sigmoid(logits)
        # LL218: sigmoid saturates to exactly 0 and 1 in float32, so both logs can be log(0);
        # binary_cross_entropy_with_logits is exact.
        return -(target * torch.log(p) + (1 - target) * torch.log(1 - p)).mean()


class LogCoshLoss(nn.Module):
    def forward(self, pred, target):
        # LL211: log(1 + x) loses small x; log1p is exact.
        return torch.log(1 + (pred - target) ** 2).mean()


class ClippedMSELoss(nn.Module):
    def forward(self, pred, target):
        return ((pred - target) ** 2).mean()

    # LL601: autograd never calls backward on an nn.Module.
    def backward(self, grad_output):
        return grad_output.clamp(-1, 1)


def weighted_l1_loss(pred, target, weight):
    diff = torch.abs(pred - target)
    # LL501: numpy has no gradient; the loss is cut from the graph.
    return np.mean(diff * weight)
