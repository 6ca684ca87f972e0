# case: attention-style masking subtracts 1e9 * pad_mask from the scores before the cross-entropy: a mask, not a weighted sum of loss terms
# source: realistic
# expect: none
# near: LL301, LL302
import torch.nn.functional as F


def masked_pointer_loss(scores, target, pad_mask):
    scores = scores - 1e9 * pad_mask
    return F.cross_entropy(scores, target)
