# case: deep-image-prior fitting loop: MSE plus a total-variation term weighted 1e-7 (the value the report settles on), 1e7 below the MSE weight, so the TV term is not trained
# source: DmitryUlyanov/deep-image-prior#8
# expect: LL301:31, LL302:31
# style: training-script
import torch
import torch.nn as nn

TV_WEIGHT = 1e-7


def tv_loss(x):
    h_tv = torch.pow(x[:, :, 1:, :] - x[:, :, :-1, :], 2).sum()
    w_tv = torch.pow(x[:, :, :, 1:] - x[:, :, :, :-1], 2).sum()
    return h_tv + w_tv


torch.manual_seed(0)
net = nn.Sequential(
    nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(),
    nn.Conv2d(16, 3, 3, padding=1), nn.Sigmoid(),
)
net_input = torch.rand(1, 8, 16, 16) * 0.1
img = torch.rand(1, 3, 16, 16)
mse = nn.MSELoss()
optimizer = torch.optim.Adam(net.parameters(), lr=0.01)

for i in range(10):
    optimizer.zero_grad()
    out = net(net_input)
    # data term plus a smoothness prior
    total_loss = mse(out, img) + TV_WEIGHT * tv_loss(out)
    total_loss.backward()
    optimizer.step()
