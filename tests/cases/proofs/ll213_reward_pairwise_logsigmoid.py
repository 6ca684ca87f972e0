import numpy as np

from tests.cases.proofs._support import assert_healthy, load, torch_loss_and_grads
from tests.cases.proofs.ll213_reward_pairwise_training_step import CHOSEN, REJECTED


def prove(path):
    loss_fn = load(path).pairwise_reward_loss
    chosen = np.array(CHOSEN).squeeze(-1)
    rejected = np.array(REJECTED).squeeze(-1)
    loss, grads = torch_loss_and_grads(loss_fn, chosen, rejected)
    assert_healthy(loss, *grads)
