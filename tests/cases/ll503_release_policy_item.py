# case: a REINFORCE loss for a SMILES generator accumulates log_prob.item() * discounted reward: the policy loss is a Python float
# source: isayev/ReLeaSE#39
# expect: LL503:28
# style: training-script
import torch
import torch.nn as nn

torch.manual_seed(0)
VOCAB, HIDDEN, GAMMA = 6, 8, 0.97


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.cell = nn.GRUCell(VOCAB, HIDDEN)
        self.out = nn.Linear(HIDDEN, VOCAB)


generator = Generator()
optimizer = torch.optim.Adam(generator.parameters(), lr=1e-3)
for episode in range(2):
    hidden, token, reward = torch.zeros(1, HIDDEN), torch.zeros(1, VOCAB), 1.5
    rl_loss, discounted_reward = 0, reward
    for step in range(4):
        hidden = generator.cell(token, hidden)
        log_probs = torch.log_softmax(generator.out(hidden), dim=1)
        top_i = torch.multinomial(log_probs.exp(), 1).item()
        rl_loss -= log_probs[0, top_i].item() * discounted_reward
        discounted_reward *= GAMMA
        token = torch.zeros(1, VOCAB)
        token[0, top_i] = 1.0
    optimizer.zero_grad()
    rl_loss.backward()
    optimizer.step()
