# case: an angular loss acos(cosine_similarity(pred, gt)) in a PyTorch loop, with no clamp: at the convergence point (a prediction parallel to the target) the derivative of acos is infinite and the gradient NaN
# source: msxiaojin/MDLCC#4
# expect: LL205:15
# style: training-script
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 3))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)


def angular_loss(pred, target):
    return torch.acos(F.cosine_similarity(pred, target, dim=1)).mean()


x, gt = torch.randn(16, 5), torch.rand(16, 3) + 0.1
for step in range(3):
    optimizer.zero_grad()
    loss = angular_loss(model(x), gt)
    loss.backward()
    optimizer.step()
