import torch
import torch.nn as nn

from tests.cases.proofs._support import run_script


def prove(path):
    scope = run_script(path)
    assert scope["local_loss"] < 0.0, "NLLLoss of probabilities is -p: a negative training loss"
    # A perfect classifier scores -1, not 0: the quantity minimised is not a cross-entropy.
    model = nn.Linear(10, 10, bias=False)
    with torch.no_grad():
        model.weight.copy_(50.0 * torch.eye(10))
    batches = [(torch.eye(10), torch.arange(10))]
    _, loss = scope["LocalUpdate"](lr=0.0, local_ep=1).update_weights(model, batches)
    assert abs(loss + 1.0) < 1e-4, loss
