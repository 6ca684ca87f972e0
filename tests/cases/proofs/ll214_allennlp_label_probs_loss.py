import torch.nn as nn

from tests.cases.proofs._support import assert_nonfinite, load, torch_loss_and_grads

# The label logits printed in the report (first row) and a one-hot label on the last class.
LOGITS = [[-142.5523, -211.9173, -247.6974], [0.3, -0.2, 0.1]]
LABELS = [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]


def run(path):
    head = load(path).EntailmentHead(hidden=3, num_labels=3)
    head.aggregate = nn.Identity()  # the features are the logits themselves
    return torch_loss_and_grads(lambda f, y: head(f, y)["loss"], LOGITS, LABELS, grad=(0,))


def prove(path):
    loss, (grad, _) = run(path)
    assert_nonfinite(loss, grad)
