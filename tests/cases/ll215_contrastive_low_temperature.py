# case: in-batch contrastive loss with temperature 0.01 and a log-partition written log(sum(exp(s / tau))): a cosine similarity above ~0.89 overflows exp to inf and the loss is NaN
# source: huggingface/sentence-transformers#2774
# expect: LL215:18
import torch
import torch.nn as nn
import torch.nn.functional as F


class InBatchContrastiveLoss(nn.Module):
    def __init__(self, temperature=0.01):
        super().__init__()
        self.temperature = temperature

    def forward(self, query_embeddings, doc_embeddings):
        q = F.normalize(query_embeddings, dim=-1)
        d = F.normalize(doc_embeddings, dim=-1)
        scores = q @ d.t() / self.temperature
        log_partition = torch.log(torch.exp(scores).sum(dim=1))
        return (log_partition - scores.diag()).mean()
