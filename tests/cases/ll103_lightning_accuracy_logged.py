# case: a Lightning-style training_step that computes the accuracy from argmax for logging only: the returned loss is the cross-entropy on the logits
# source: realistic
# expect: none
# near: LL103
# style: training-script
import torch
import torch.nn as nn
import torch.nn.functional as F


class LitClassifier(nn.Module):
    """A LightningModule's training_step, as a plain module (no lightning dependency)."""

    def __init__(self):
        super().__init__()
        self.net = nn.Linear(5, 3)
        self.logged = {}

    def log(self, name, value):
        self.logged[name] = float(value)

    def training_step(self, batch, batch_idx):
        x, y = batch
        logits = self.net(x)
        loss = F.cross_entropy(logits, y)
        acc = (logits.argmax(dim=1) == y).float().mean()
        self.log("train_acc", acc)
        return loss


torch.manual_seed(0)
lit = LitClassifier()
optimizer = torch.optim.SGD(lit.parameters(), lr=0.5)
batch = (torch.randn(12, 5), torch.randint(0, 3, (12,)))
losses = []
for step in range(5):
    optimizer.zero_grad()
    loss = lit.training_step(batch, step)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
