# case: a char-RNN generation step starts its loss as torch.zeros(1, requires_grad=True) and adds each step's loss with +=
# source: pytorch/tutorials#1290
# expect: LL603:31
# style: training-script
import torch
import torch.nn as nn

N_LETTERS, HIDDEN = 12, 16


class CharRNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.i2h = nn.Linear(N_LETTERS + HIDDEN, HIDDEN)
        self.h2o = nn.Linear(N_LETTERS + HIDDEN, N_LETTERS)

    def forward(self, letter, hidden):
        combined = torch.cat((letter, hidden), 1)
        return torch.log_softmax(self.h2o(combined), dim=1), torch.tanh(self.i2h(combined))


torch.manual_seed(0)
rnn = CharRNN()
criterion = nn.NLLLoss()
optimizer = torch.optim.SGD(rnn.parameters(), lr=5e-3)
for iteration in range(2):
    line = torch.randint(0, N_LETTERS, (6,))
    inputs, targets = nn.functional.one_hot(line[:-1], N_LETTERS).float(), line[1:]
    hidden = torch.zeros(1, HIDDEN)
    optimizer.zero_grad()
    loss = torch.zeros(1, requires_grad=True)
    for i in range(len(targets)):
        output, hidden = rnn(inputs[i : i + 1], hidden)
        loss += criterion(output, targets[i : i + 1])
    loss.backward()
    optimizer.step()
