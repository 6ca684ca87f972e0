from tests.cases.proofs._support import assert_healthy, load, torch_loss_and_grads


def prove(path):
    loss_fn = load(path).SmoothL1Loss()
    loss, (grad, _) = torch_loss_and_grads(loss_fn, [0.2, 0.45, 3.0], [1.0, 1.0, 1.0], grad=(0,))
    assert_healthy(loss, grad)
    assert (grad != 0).all(), grad
    # No jump at the threshold.
    below, _ = torch_loss_and_grads(loss_fn, [1.9999], [1.0], grad=())
    above, _ = torch_loss_and_grads(loss_fn, [2.0001], [1.0], grad=())
    assert abs(float(above) - float(below)) < 1e-3, (below, above)
