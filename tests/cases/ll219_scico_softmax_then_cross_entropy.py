# case: cross-encoder head feeding softmax probabilities to nn.CrossEntropyLoss: the loss cannot fall below ~0.74 (4 labels) and its gradient vanishes, the stalled validation loss of the report
# source: ariecattan/SciCo#2
# expect: LL219:20
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
        # CrossEntropyLoss applies log_softmax itself
        return self.criterion(probs, labels), probs
