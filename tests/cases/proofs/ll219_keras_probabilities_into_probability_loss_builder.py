from tests.cases.proofs._support import assert_healthy, tf_loss_and_grads
from tests.cases.proofs.ll219_keras_double_softmax_builder import Y_PRED, Y_TRUE, run


def prove(path):
    scope, (loss, _) = run(path)
    assert float(loss) < 1e-3
    loss, (_, grad) = tf_loss_and_grads(scope["categorical_loss"], Y_TRUE, Y_PRED / 25, grad=(1,))
    assert_healthy(loss, grad)
