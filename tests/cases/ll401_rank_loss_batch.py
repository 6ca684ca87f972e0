# case: an attention-CNN ranking loss between two scales returns one hinge per sample; backward() works at batch size 1 only
# source: dillondavis/RecurrentAttentionConvolutionalNeuralNetwork#4
# expect: LL401:34
# style: training-script
import torch
import torch.nn as nn
import torch.nn.functional as F


def rank_criterion(scores_coarse, scores_fine, labels, margin=0.05):
    p_coarse = F.softmax(scores_coarse, dim=1).gather(1, labels.view(-1, 1))
    p_fine = F.softmax(scores_fine, dim=1).gather(1, labels.view(-1, 1))
    return F.relu(p_coarse - p_fine + margin)


class TwoScaleNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.coarse = nn.Linear(6, 4)
        self.fine = nn.Linear(6, 4)

    def forward(self, x):
        return self.coarse(x), self.fine(x)


BATCH_SIZE = 4
torch.manual_seed(0)
net = TwoScaleNet()
optimizer = torch.optim.SGD(net.parameters(), lr=0.01)
for step in range(2):
    x, y = torch.randn(BATCH_SIZE, 6), torch.randint(0, 4, (BATCH_SIZE,))
    optimizer.zero_grad()
    coarse, fine = net(x)
    rank_criterion(coarse, fine, y).backward()
    optimizer.step()
