# case: entailment head computing its loss as -log(softmax(logits)) * labels: logit gaps like the report's (-142 vs -247) make a probability exactly 0 and the loss inf
# source: allenai/allennlp#2797
# expect: LL214:16
import torch
import torch.nn as nn


class EntailmentHead(nn.Module):
    def __init__(self, hidden=8, num_labels=3):
        super().__init__()
        self.aggregate = nn.Linear(hidden, num_labels)

    def forward(self, features, labels):
        label_logits = self.aggregate(features)
        label_probs = torch.nn.functional.softmax(label_logits, dim=-1)
        log_label_probs = -torch.log(label_probs)
        loss = log_label_probs * labels.float()
        loss = torch.sum(loss)
        return {"label_logits": label_logits, "label_probs": label_probs, "loss": loss}
