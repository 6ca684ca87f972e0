# case: the angular loss with the cosine clamped to (-1 + eps, 1 - eps) before acos: finite at the convergence point
# source: msxiaojin/MDLCC#4
# expect: none
# near: LL205
import torch
import torch.nn.functional as F


def angular_loss(pred, target, eps=1e-6):
    cos = F.cosine_similarity(pred, target, dim=1).clamp(-1 + eps, 1 - eps)
    return torch.acos(cos).mean()
