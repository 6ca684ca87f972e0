# case: the same entailment head with F.log_softmax on the logits: finite for the report's logits
# source: allenai/allennlp#2797
# expect: none
# near: LL214, LL201
import torch
import torch.nn as nn
import torch.nn.functional as F


class EntailmentHead(nn.Module):
    def __init__(self, hidden=8, num_labels=3):
        super().__init__()
        self.aggregate = nn.Linear(hidden, num_labels)

    def forward(self, features, labels):
        label_logits = self.aggregate(features)
        label_probs = F.softmax(label_logits, dim=-1)
        log_label_probs = -F.log_softmax(label_logits, dim=-1)
        loss = log_label_probs * labels.float()
        loss = torch.sum(loss)
        return {"label_logits": label_logits, "label_probs": label_probs, "loss": loss}
