# case: a calibration loss with a log-temperature created as torch.zeros((), requires_grad=True): a learnable scalar, not an accumulator
# source: realistic
# expect: none
# near: LL603
# style: training-script
import torch
import torch.nn.functional as F

log_temperature = torch.zeros((), requires_grad=True)
optimizer = torch.optim.LBFGS([log_temperature], lr=0.1, max_iter=5)


def temperature_scaled_loss(logits, labels):
    return F.cross_entropy(logits / log_temperature.exp(), labels)


torch.manual_seed(0)
val_logits, val_labels = torch.randn(32, 4) * 4, torch.randint(0, 4, (32,))


def closure():
    optimizer.zero_grad()
    loss = temperature_scaled_loss(val_logits, val_labels)
    loss.backward()
    return loss


optimizer.step(closure)
