from tests.cases.proofs._support import assert_healthy, assert_no_gradient, load, torch_loss_and_grads


def prove(path):
    loss_fn = load(path).simsiam_loss
    p1, p2 = [[1.0, 0.5, -0.2]], [[0.3, -0.4, 0.9]]
    z1, z2 = [[0.2, 0.8, 0.1]], [[-0.5, 0.1, 0.7]]
    loss, (g1, g2, gz1, gz2) = torch_loss_and_grads(loss_fn, p1, p2, z1, z2)
    assert_healthy(loss, g1, g2)
    assert_no_gradient(gz1, what="the gradient to the target branch")
    assert_no_gradient(gz2, what="the gradient to the target branch")
