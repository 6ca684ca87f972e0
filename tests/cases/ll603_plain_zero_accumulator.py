# case: the multi-crop loss accumulated into a plain torch.zeros(()) with loss = loss + term: the graph comes from the terms
# source: realistic
# expect: none
# near: LL603
# style: training-script
import torch
import torch.nn as nn
import torch.nn.functional as F


def multicrop_loss(logits_per_crop, labels):
    loss = torch.zeros(())
    for logits in logits_per_crop:
        loss = loss + F.cross_entropy(logits, labels)
    return loss / len(logits_per_crop)


torch.manual_seed(0)
backbone = nn.Sequential(nn.Flatten(), nn.Linear(3 * 8 * 8, 10))
optimizer = torch.optim.Adam(backbone.parameters(), lr=1e-3)
for step in range(2):
    crops, labels = [torch.randn(4, 3, 8, 8) for _ in range(3)], torch.randint(0, 10, (4,))
    optimizer.zero_grad()
    loss = multicrop_loss([backbone(c) for c in crops], labels)
    loss.backward()
    optimizer.step()
