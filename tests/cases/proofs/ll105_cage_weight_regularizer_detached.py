from tests.cases.proofs._support import assert_no_gradient, load, torch_loss_and_grads


def prove(path):
    case = load(path)
    weights = [[-0.5, 0.7, 0.8], [0.2, -0.1, 0.9]]
    loss, (grad,) = torch_loss_and_grads(case.mvc_reg_loss, weights)
    assert float(loss) > 0, loss
    assert_no_gradient(grad, what="the gradient to the predicted weights")
    for mvc_weight in (1.0, 1000.0):
        _, (_, grad) = torch_loss_and_grads(lambda r, w: case.total_loss(r, w, mvc_weight), 0.3, weights)
        assert_no_gradient(grad, what="the gradient to the predicted weights")
