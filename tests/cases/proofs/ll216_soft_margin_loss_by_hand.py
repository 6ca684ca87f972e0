from tests.cases.proofs._support import assert_nonfinite, load, torch_loss_and_grads

# The first sample is confidently wrong: logit 120 for a -1 label, so -y * f = 120 and exp(120) = inf.
LOGITS = [120.0, -0.5, 2.0]
TARGET = [-1.0, -1.0, 1.0]


def prove(path):
    loss, (grad, _) = torch_loss_and_grads(load(path).SoftMarginLoss(), LOGITS, TARGET, grad=(0,))
    assert_nonfinite(loss, grad)
