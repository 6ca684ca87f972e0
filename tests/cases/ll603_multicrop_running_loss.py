# case: a Lightning-style multi-crop training_step sums the crops' losses into torch.zeros((), requires_grad=True) with +=
# source: realistic
# expect: LL603:17
# style: training-script
import torch
import torch.nn as nn
import torch.nn.functional as F


class MultiCropClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(nn.Flatten(), nn.Linear(3 * 8 * 8, 10))

    def training_step(self, batch, batch_idx):
        crops, labels = batch
        running = torch.zeros((), requires_grad=True)
        for crop in crops:
            running += F.cross_entropy(self.backbone(crop), labels)
        return running / len(crops)


torch.manual_seed(0)
module = MultiCropClassifier()
optimizer = torch.optim.Adam(module.parameters(), lr=1e-3)
for batch_idx in range(2):
    batch = ([torch.randn(4, 3, 8, 8) for _ in range(3)], torch.randint(0, 10, (4,)))
    optimizer.zero_grad()
    loss = module.training_step(batch, batch_idx)
    loss.backward()
    optimizer.step()
