# case: a recurrent policy-gradient loss averages over padded time steps: torch.mean(loss * out_masks) instead of dividing by the mask
# source: DeepX-inc/machina#198
# expect: LL403:13
# style: training-script
import torch
import torch.nn as nn

torch.manual_seed(0)


def policy_gradient_loss(log_probs, advantages, out_masks):
    pg_loss = -log_probs * advantages
    return torch.mean(pg_loss * out_masks)


policy = nn.GRU(input_size=3, hidden_size=4, batch_first=True)
head = nn.Linear(4, 2)
optimizer = torch.optim.Adam(list(policy.parameters()) + list(head.parameters()), lr=1e-3)
for step in range(3):
    obs = torch.randn(2, 6, 3)
    actions = torch.randint(0, 2, (2, 6))
    advantages = torch.randn(2, 6)
    out_masks = torch.tensor([[1.0] * 6, [1.0] * 3 + [0.0] * 3])
    hidden, _ = policy(obs)
    log_probs = torch.log_softmax(head(hidden), dim=-1).gather(-1, actions[..., None]).squeeze(-1)
    optimizer.zero_grad()
    loss = policy_gradient_loss(log_probs, advantages, out_masks)
    loss.backward()
    optimizer.step()
