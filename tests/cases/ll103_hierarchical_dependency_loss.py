# case: hierarchical classification whose dependency penalty compares argmax predictions with the class hierarchy: argmax and the cast comparisons have no gradient, so the penalty (and beta) changes nothing in training
# source: Ugenteraan/Deep_Hierarchical_Classification#6
# expect: LL103:18, LL103:19, LL103:20, LL103:21
import torch
import torch.nn as nn
import torch.nn.functional as F


class HierarchicalLoss(nn.Module):
    def __init__(self, parent_of, beta=1.0):
        super().__init__()
        self.register_buffer("parent_of", parent_of)
        self.beta = beta

    def forward(self, coarse_logits, fine_logits, coarse_true, fine_true):
        layer_loss = F.cross_entropy(coarse_logits, coarse_true) + F.cross_entropy(fine_logits, fine_true)
        # dependency loss: grows with a fine prediction outside its coarse one, and with wrong ones
        coarse_pred = coarse_logits.argmax(dim=1)
        fine_pred = fine_logits.argmax(dim=1)
        mismatch = (self.parent_of[fine_pred] != coarse_pred).float()
        wrong = (coarse_pred != coarse_true).float() + (fine_pred != fine_true).float()
        dependency_loss = (torch.pow(2.0, mismatch + wrong) - 1.0).mean()
        return layer_loss + self.beta * dependency_loss
