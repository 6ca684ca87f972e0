# case: reward-model training step (Lightning-style plain class) with -log(sigmoid(chosen - rejected)): a pair ranked wrong by ~90 makes the sigmoid 0 and the loss inf
# source: deepspeedai/DeepSpeedExamples#501
# expect: LL213:21
# style: training-script
import torch
import torch.nn as nn


class RewardModelModule:
    """Lightning-style module written as a plain class: training_step returns the loss."""

    def __init__(self, model, lr=1e-3):
        self.model = model
        self.optimizer = torch.optim.Adam(model.parameters(), lr=lr)

    def training_step(self, batch, batch_idx):
        chosen, rejected = batch
        chosen_reward = self.model(chosen).squeeze(-1)
        rejected_reward = self.model(rejected).squeeze(-1)
        # the pair loss: the chosen answer should get the higher reward
        loss = -torch.log(torch.sigmoid(chosen_reward - rejected_reward)).mean()
        return loss

    def fit(self, batches):
        for batch_idx, batch in enumerate(batches):
            self.optimizer.zero_grad()
            loss = self.training_step(batch, batch_idx)
            loss.backward()
            self.optimizer.step()
        return loss


torch.manual_seed(0)
module = RewardModelModule(nn.Linear(6, 1))
batches = [(torch.randn(4, 6), torch.randn(4, 6)) for _ in range(3)]
last_loss = module.fit(batches)
