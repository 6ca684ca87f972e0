# case: a Brier-score loss re-wraps the sigmoid probabilities with torch.tensor(..., dtype=float32): a new leaf, cut from the model
# source: realistic
# expect: LL504:10
# style: training-script
import torch
import torch.nn as nn


def brier_loss(logits, target):
    probs = torch.tensor(torch.sigmoid(logits), dtype=torch.float32)
    return ((probs - target) ** 2).mean()


torch.manual_seed(0)
model = nn.Linear(5, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for step in range(3):
    x, y = torch.randn(16, 5), torch.randint(0, 2, (16, 1)).float()
    optimizer.zero_grad()
    loss = brier_loss(model(x), y)
    loss.backward()
    optimizer.step()
