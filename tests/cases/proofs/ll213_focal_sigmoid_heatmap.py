from tests.cases.proofs._support import assert_nonfinite, load, torch_loss_and_grads

# Saturated logits: sigmoid(-120) is exactly 0 and sigmoid(40) exactly 1 in float32.
LOGITS = [[-120.0, 40.0, 0.5]]
TARGET = [[1.0, 0.0, 0.0]]


def prove(path):
    loss_fn = load(path).FocalLoss()
    loss, (grad, _) = torch_loss_and_grads(loss_fn, LOGITS, TARGET, grad=(0,))
    assert_nonfinite(loss, grad)
