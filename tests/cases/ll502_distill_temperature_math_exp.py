# case: a distillation step with a learnable log-temperature turned into a Python float by math.exp: the temperature never trains
# source: pytorch/pytorch#143071
# expect: LL502:20
# style: training-script
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class Distiller(nn.Module):
    def __init__(self):
        super().__init__()
        self.student = nn.Linear(8, 5)
        self.log_temperature = nn.Parameter(torch.tensor(0.5))

    def training_step(self, batch):
        x, teacher_logits = batch
        temperature = math.exp(self.log_temperature)
        student_log_probs = F.log_softmax(self.student(x) / temperature, dim=-1)
        teacher_probs = F.softmax(teacher_logits / temperature, dim=-1)
        return F.kl_div(student_log_probs, teacher_probs, reduction="batchmean") * temperature**2


torch.manual_seed(0)
distiller = Distiller()
optimizer = torch.optim.SGD(distiller.parameters(), lr=0.5)
start_temperature = distiller.log_temperature.item()
for step in range(3):
    batch = (torch.randn(4, 8), torch.randn(4, 5) * 3)
    optimizer.zero_grad()
    loss = distiller.training_step(batch)
    loss.backward()
    optimizer.step()
