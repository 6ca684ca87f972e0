# case: an L2 loss class meant to clip its gradient to [-clip, clip] does it in backward() of a _Loss subclass, which autograd ignores
# source: realistic
# expect: LL601:17
import torch
from torch.nn.modules.loss import _Loss


class ClippedGradientL2Loss(_Loss):
    def __init__(self, clip=1.0):
        super().__init__()
        self.clip = clip

    def forward(self, pred, target):
        self.saved = (pred, target)
        return 0.5 * ((pred - target) ** 2).sum()

    def backward(self, grad_output):
        pred, target = self.saved
        return torch.clamp(pred - target, -self.clip, self.clip) * grad_output
