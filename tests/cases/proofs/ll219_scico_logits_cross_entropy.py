import numpy as np
import torch.nn as nn

from tests.cases.proofs._support import assert_healthy, load, torch_loss_and_grads
from tests.cases.proofs.ll219_scico_softmax_then_cross_entropy import LABELS, LOGITS, run


def prove(path):
    loss, _ = run(path)
    assert float(loss) < 1e-6
    model = load(path).MulticlassCrossEncoder(hidden=4, num_labels=4)
    model.linear = nn.Identity()
    loss, (grad, _) = torch_loss_and_grads(lambda f, y: model(f, y)[0], LOGITS / 25, LABELS, grad=(0,))
    assert_healthy(loss, grad)
