# case: the gradient-clipping L2 loss done with a tensor hook registered in forward(), which autograd does call
# source: realistic
# expect: none
# near: LL601
import torch
from torch.nn.modules.loss import _Loss


class ClippedGradientL2Loss(_Loss):
    def __init__(self, clip=1.0):
        super().__init__()
        self.clip = clip

    def forward(self, pred, target):
        if pred.requires_grad:
            pred.register_hook(lambda grad: grad.clamp(-self.clip, self.clip))
        return 0.5 * ((pred - target) ** 2).sum()
