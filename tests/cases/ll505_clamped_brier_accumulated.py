# case: a multi-head Brier loss clamps the sigmoid out of place and accumulates the heads with loss += term
# source: realistic
# expect: none
# near: LL505
# style: training-script
import torch
import torch.nn as nn


def multi_head_brier_loss(head_logits, targets):
    loss = 0.0
    for logits, target in zip(head_logits, targets):
        p = torch.sigmoid(logits).clamp(1e-4, 1 - 1e-4)
        loss += ((p - target) ** 2).mean()
    return loss


torch.manual_seed(0)
heads = nn.ModuleList([nn.Linear(4, 3) for _ in range(2)])
optimizer = torch.optim.SGD(heads.parameters(), lr=0.1)
for step in range(3):
    x = torch.randn(5, 4)
    targets = [torch.randint(0, 2, (5, 3)).float() for _ in heads]
    optimizer.zero_grad()
    loss = multi_head_brier_loss([head(x) for head in heads], targets)
    loss.backward()
    optimizer.step()
