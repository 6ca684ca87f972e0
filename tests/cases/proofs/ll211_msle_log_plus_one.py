from tests.cases.proofs._support import assert_finite, assert_no_gradient, load, torch_loss_and_grads

# Predictions and targets below the float32 spacing of 1.0 (1.2e-7): 1 + x rounds to exactly 1.
PRED = [1e-8, 2e-8, 4e-8]
TARGET = [3e-8, 5e-8, 1e-8]


def prove(path):
    loss_fn = load(path).MSLELoss()
    loss, (grad, _) = torch_loss_and_grads(loss_fn, PRED, TARGET, grad=(0,))
    assert_finite(loss)
    assert float(loss) == 0.0, "the squared log error of different values should have collapsed to 0"
    assert_no_gradient(grad)
