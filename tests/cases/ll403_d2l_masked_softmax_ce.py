# case: a seq2seq masked softmax cross-entropy zeroes the padding, then averages each sequence over all num_steps positions
# source: d2l-ai/d2l-en#2076
# expect: LL403:14
import torch
import torch.nn as nn


class MaskedSoftmaxCELoss(nn.CrossEntropyLoss):
    def forward(self, pred, label, valid_len):
        steps = torch.arange(label.shape[1], device=label.device)
        mask = (steps[None, :] < valid_len[:, None]).float()
        self.reduction = "none"
        unweighted_loss = super().forward(pred.permute(0, 2, 1), label)
        weighted_loss = (unweighted_loss * mask).mean(dim=1)
        return weighted_loss
