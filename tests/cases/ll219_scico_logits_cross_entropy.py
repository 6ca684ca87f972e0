# case: the same cross-encoder head passing the logits to nn.CrossEntropyLoss (the fix): the loss reaches 0 on confident, correct predictions
# source: ariecattan/SciCo#2
# expect: none
# near: LL219
import torch
import torch.nn as nn


class MulticlassCrossEncoder(nn.Module):
    def __init__(self, hidden=16, num_labels=4):
        super().__init__()
        self.linear = nn.Linear(hidden, num_labels)
        self.criterion = nn.CrossEntropyLoss()

    def forward(self, features, labels=None):
        logits = self.linear(features)
        probs = torch.softmax(logits, dim=-1)
        if labels is None:
            return probs
        return self.criterion(logits, labels), probs
