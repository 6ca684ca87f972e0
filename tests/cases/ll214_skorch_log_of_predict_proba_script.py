# case: skorch-style loop: a helper returns softmax probabilities and get_loss feeds torch.log of them to NLLLoss, -inf once a probability underflows
# source: skorch-dev/skorch#481
# expect: LL214:26
# style: training-script
import torch
import torch.nn as nn
import torch.nn.functional as F


class ClassifierModule(nn.Module):
    def __init__(self, n_in=20, n_hidden=16, n_classes=10):
        super().__init__()
        self.hidden = nn.Linear(n_in, n_hidden)
        self.output = nn.Linear(n_hidden, n_classes)

    def forward(self, X):
        return self.output(F.relu(self.hidden(X)))


def predict_proba(module, X):
    return F.softmax(module(X), dim=-1)


def get_loss(module, X, y_true, criterion):
    y_proba = predict_proba(module, X)
    return criterion(torch.log(y_proba), y_true)


torch.manual_seed(0)
X = torch.randn(32, 20)
y = torch.randint(0, 10, (32,))
module = ClassifierModule()
criterion = nn.NLLLoss()
optimizer = torch.optim.Adam(module.parameters(), lr=0.05)
for epoch in range(5):
    optimizer.zero_grad()
    loss = get_loss(module, X, y, criterion)
    loss.backward()
    optimizer.step()
