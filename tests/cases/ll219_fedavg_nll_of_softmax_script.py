# case: federated local update feeding softmax probabilities (named log_probs) to nn.NLLLoss: the "loss" is -p, negative and not a cross-entropy at all
# source: AshwinRJ/Federated-Learning-PyTorch#29
# expect: LL219:30
# style: training-script
import torch
import torch.nn as nn


class MLP(nn.Module):
    def __init__(self, dim_in=16, dim_hidden=32, dim_out=10):
        super().__init__()
        self.layer_input = nn.Linear(dim_in, dim_hidden)
        self.layer_hidden = nn.Linear(dim_hidden, dim_out)

    def forward(self, x):
        return self.layer_hidden(torch.relu(self.layer_input(x)))


class LocalUpdate:
    def __init__(self, lr=0.05, local_ep=2):
        self.lr, self.local_ep = lr, local_ep
        self.criterion = nn.NLLLoss()

    def update_weights(self, model, batches):
        optimizer = torch.optim.SGD(model.parameters(), lr=self.lr, momentum=0.5)
        for _ in range(self.local_ep):
            for images, labels in batches:
                model.zero_grad()
                log_probs = torch.softmax(model(images), dim=1)
                loss = self.criterion(log_probs, labels)
                loss.backward()
                optimizer.step()
        return model.state_dict(), loss.item()


torch.manual_seed(0)
global_model = MLP()
batches = [(torch.randn(8, 16), torch.randint(0, 10, (8,))) for _ in range(3)]
for round_idx in range(2):
    weights, local_loss = LocalUpdate().update_weights(global_model, batches)
    global_model.load_state_dict(weights)
