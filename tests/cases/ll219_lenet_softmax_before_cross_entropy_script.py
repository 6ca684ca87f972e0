# case: LeNet-style training loop applying F.softmax to the output before F.cross_entropy: a double softmax, the loss floors at ~1.46 (10 classes) with a vanishing gradient
# source: thegregyang/LossUpAccUp#1
# expect: LL219:28
# style: training-script
import torch
import torch.nn as nn
import torch.nn.functional as F


class LeNet(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, kernel_size=3)
        self.fc1 = nn.Linear(4 * 3 * 3, 32)
        self.fc2 = nn.Linear(32, num_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv(x)), 2)
        x = F.relu(self.fc1(x.flatten(1)))
        return self.fc2(x)


def train(model, optimizer, data, target):
    model.train()
    optimizer.zero_grad()
    output = model(data)
    output = F.softmax(output, dim=-1)
    loss = F.cross_entropy(output, target)
    loss.backward()
    optimizer.step()
    return loss


torch.manual_seed(0)
model = LeNet()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
for epoch in range(5):
    data = torch.randn(16, 1, 8, 8)
    target = torch.randint(0, 10, (16,))
    loss = train(model, optimizer, data, target)
