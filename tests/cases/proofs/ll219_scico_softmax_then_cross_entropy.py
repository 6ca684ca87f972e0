import math

import numpy as np
import torch.nn as nn

from tests.cases.proofs._support import assert_finite, load, torch_loss_and_grads

# Confident, correct logits for 4 labels: the true cross-entropy is ~0.
LOGITS = np.array([[50.0, 0.0, 0.0, 0.0], [0.0, 0.0, 50.0, 0.0]], dtype=np.float32)
LABELS = np.array([0, 2])
FLOOR = math.log(1 + 3 / math.e)  # CE of the one-hot probabilities read as logits: 0.7437


def run(path):
    model = load(path).MulticlassCrossEncoder(hidden=4, num_labels=4)
    model.linear = nn.Identity()  # the features are the logits
    return torch_loss_and_grads(lambda f, y: model(f, y)[0], LOGITS, LABELS, grad=(0,))


def prove(path):
    loss, (grad, _) = run(path)
    assert_finite(loss)
    assert float(loss) > FLOOR - 1e-4, float(loss)
    assert np.abs(grad).max() < 1e-6, "the gradient should have vanished on the saturated softmax"
