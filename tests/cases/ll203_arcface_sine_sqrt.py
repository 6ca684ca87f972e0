# case: an ArcFace loss that recovers the sine as sqrt(1 - cos^2): an embedding parallel to its class weight has cosine 1, sqrt(0) has an infinite derivative, and the loss turns NaN after a few batches
# source: ronghuaiyang/arcface-pytorch#32
# expect: LL203:22
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class ArcFaceLoss(nn.Module):
    def __init__(self, in_features, out_features, s=30.0, m=0.50):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(out_features, in_features))
        nn.init.xavier_uniform_(self.weight)
        self.s = s
        self.cos_m = math.cos(m)
        self.sin_m = math.sin(m)

    def forward(self, embedding, label):
        cosine = F.linear(F.normalize(embedding), F.normalize(self.weight))
        sine = torch.sqrt(1.0 - torch.pow(cosine, 2))
        phi = cosine * self.cos_m - sine * self.sin_m  # cos(theta + m)
        one_hot = F.one_hot(label, cosine.shape[1]).float()
        logits = (one_hot * phi + (1.0 - one_hot) * cosine) * self.s
        return F.cross_entropy(logits, label)
