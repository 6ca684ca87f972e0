# case: the same in-batch contrastive loss with torch.logsumexp for the log-partition: finite at temperature 0.01
# source: huggingface/sentence-transformers#2774
# expect: none
# near: LL215
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
        log_partition = torch.logsumexp(scores, dim=1)
        return (log_partition - scores.diag()).mean()
