# case: a fine-tuning loop whose criterion takes `.data` of the logits; backward then complains, the loop sets loss.requires_grad = True, and the loss never moves
# source: huggingface/torchMoji#21
# expect: LL105:16
# select: LL105
# style: training-script
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 2))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)


def criterion(logits, target):
    return F.cross_entropy(logits.data, target)


x, y = torch.randn(32, 6), torch.randint(0, 2, (32,))
losses = []
for epoch in range(4):
    optimizer.zero_grad()
    loss = criterion(model(x), y)
    loss.requires_grad = True  # "element 0 of tensors does not require grad and does not have a grad_fn"
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
