# case: a label-smoothed cross-entropy normalised by math.log(num_classes), math on a Python int, in a training loop
# source: realistic
# expect: none
# near: LL502
# style: training-script
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

NUM_CLASSES = 10


def smoothed_ce_loss(logits, target, smoothing=0.1):
    return F.cross_entropy(logits, target, label_smoothing=smoothing) / math.log(NUM_CLASSES)


torch.manual_seed(0)
model = nn.Linear(6, NUM_CLASSES)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for step in range(3):
    x, y = torch.randn(8, 6), torch.randint(0, NUM_CLASSES, (8,))
    optimizer.zero_grad()
    loss = smoothed_ce_loss(model(x), y)
    loss.backward()
    optimizer.step()
