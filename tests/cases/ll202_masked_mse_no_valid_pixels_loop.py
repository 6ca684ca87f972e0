# case: a depth-completion loop whose masked MSE divides by the number of valid pixels: a batch without any valid pixel gives 0 / 0, and the NaN gradient of that step poisons every weight
# source: realistic
# expect: LL202:14
# style: training-script
import torch
import torch.nn as nn

torch.manual_seed(0)
model = nn.Conv2d(1, 1, kernel_size=3, padding=1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)


def masked_mse_loss(pred, target, mask):
    return ((pred - target) ** 2 * mask).sum() / mask.sum()


batches = [
    (torch.randn(2, 1, 4, 4), torch.rand(2, 1, 4, 4), (torch.rand(2, 1, 4, 4) > 0.5).float()),
    (torch.randn(2, 1, 4, 4), torch.rand(2, 1, 4, 4), torch.zeros(2, 1, 4, 4)),  # no valid depth
]
losses = []
for image, depth, valid in batches:
    optimizer.zero_grad()
    loss = masked_mse_loss(model(image), depth, valid)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
