# case: the same training_step returning the loss tensor, with loss.item() only in the logged metrics next to it
# source: realistic
# expect: none
# near: LL503
# style: training-script
import torch
import torch.nn as nn
import torch.nn.functional as F


class LitClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(10, 16), nn.ReLU(), nn.Linear(16, 3))

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = F.cross_entropy(self.net(x), y)
        return loss, {"train_loss": loss.item()}


torch.manual_seed(0)
module = LitClassifier()
optimizer = torch.optim.SGD(module.parameters(), lr=0.1)
history = []
for batch_idx in range(2):
    batch = (torch.randn(8, 10), torch.randint(0, 3, (8,)))
    optimizer.zero_grad()
    loss, logs = module.training_step(batch, batch_idx)
    loss.backward()
    optimizer.step()
    history.append(logs["train_loss"])
