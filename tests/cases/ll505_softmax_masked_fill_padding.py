# case: a token-distribution loss zeroes padded positions of the softmax with masked_fill_, in place on softmax's saved output
# source: realistic
# expect: LL505:11
# style: training-script
import torch
import torch.nn as nn


def distribution_loss(logits, target_dist, pad_mask):
    probs = torch.softmax(logits, dim=-1)
    probs.masked_fill_(pad_mask[..., None], 0.0)
    return ((probs - target_dist) ** 2).sum(-1).mean()


torch.manual_seed(0)
decoder = nn.Linear(8, 6)
optimizer = torch.optim.SGD(decoder.parameters(), lr=0.1)
for step in range(2):
    hidden = torch.randn(3, 5, 8)
    target_dist = torch.softmax(torch.randn(3, 5, 6), dim=-1)
    pad_mask = torch.tensor([[False] * 5, [False] * 3 + [True] * 2, [False] * 4 + [True]])
    optimizer.zero_grad()
    loss = distribution_loss(decoder(hidden), target_dist, pad_mask)
    loss.backward()
    optimizer.step()
