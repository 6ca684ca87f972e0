from tests.cases.proofs._support import assert_finite, assert_no_gradient, run_tf1_script
from tests.cases.proofs._support_cases2 import tf1_loss_and_grads


def prove(path):
    scope = run_tf1_script(path)
    assert_finite(scope["c"], what="the training cost")
    cost, rate, y = scope["cost"], scope["rate"], scope["y"]
    feed = {rate: [[1e-8], [2e-8]], y: [[3e-8], [5e-8]]}
    loss, (grad,) = tf1_loss_and_grads(cost, [rate], feed)
    assert float(loss) == 0.0
    assert_no_gradient(grad, what="the gradient of the cost to the predicted rate")
