from tests.cases.proofs._support import assert_finite, assert_nonfinite, load, torch_loss_and_grads

# The window envelope is exactly 0 at both ends (as for a Hann window without padding).
PRED = [[0.3, 0.5, -0.2, 0.1]]
TARGET = [[0.0, 1.0, -0.5, 0.0]]
WINDOW = [[0.0, 0.5, 0.5, 0.0]]


def prove(path):
    loss_fn = load(path).waveform_loss
    loss, (grad, _, _) = torch_loss_and_grads(loss_fn, PRED, TARGET, WINDOW, grad=(0,))
    assert_finite(loss, what="the forward value")
    assert_nonfinite(grad)
