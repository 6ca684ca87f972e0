# case: the reward-model pair loss with F.logsigmoid (the report's fix): finite for any reward gap
# source: deepspeedai/DeepSpeedExamples#501
# expect: none
# near: LL213
import torch.nn.functional as F


def pairwise_reward_loss(chosen_reward, rejected_reward):
    return -F.logsigmoid(chosen_reward - rejected_reward).mean()
