# case: SimSiam's symmetric loss: the stop-gradient is on the target branch z, as the method intends; the predictor outputs p keep their gradient
# source: realistic
# expect: none
# near: LL105
import torch.nn.functional as F


def simsiam_loss(p1, p2, z1, z2):
    loss_a = -F.cosine_similarity(p1, z2.detach(), dim=-1).mean()
    loss_b = -F.cosine_similarity(p2, z1.detach(), dim=-1).mean()
    return 0.5 * (loss_a + loss_b)
