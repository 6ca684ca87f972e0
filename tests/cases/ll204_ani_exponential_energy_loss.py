# case: the ANI-style exponential loss tau * exp(sum of squared energy errors / tau) in a PyTorch loop: early in training the summed squared error is in the hundreds and exp overflows to inf
# source: isayev/ASE_ANI#11
# expect: LL204:15
# style: training-script
import torch
import torch.nn as nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)


def exp_energy_loss(pred, target, tau=0.5):
    sse = ((pred - target) ** 2).sum()
    return tau * torch.exp(sse / tau)


features = torch.randn(8, 6)
energies = torch.full((8, 1), -40.0)  # molecular energies, far from the untrained model's output
losses = []
for step in range(2):
    optimizer.zero_grad()
    loss = exp_energy_loss(model(features), energies)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
