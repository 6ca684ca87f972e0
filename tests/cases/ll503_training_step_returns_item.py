# case: a Lightning-style training_step returns loss.item() (meant for the progress bar): the loop has no tensor to call backward() on
# source: realistic
# expect: LL503:18
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
        return loss.item()


torch.manual_seed(0)
module = LitClassifier()
optimizer = torch.optim.SGD(module.parameters(), lr=0.1)
for batch_idx in range(2):
    batch = (torch.randn(8, 10), torch.randint(0, 3, (8,)))
    optimizer.zero_grad()
    loss = module.training_step(batch, batch_idx)
    loss.backward()
    optimizer.step()
