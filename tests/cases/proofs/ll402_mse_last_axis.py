from tests.cases.proofs._support import assert_healthy, load, tf_loss_and_grads
from tests.cases.proofs._support_cases3 import Y_PRED, Y_TRUE, assert_weights_work, compiled_loss, weighted


def prove(path):
    case = load(path)
    loss = compiled_loss(case.build_model())
    assert_weights_work(weighted(loss))
    value, (_, grad) = tf_loss_and_grads(loss, Y_TRUE, Y_PRED, grad=(1,))
    assert_healthy(value, grad)
