from tests.cases.proofs._support import assert_healthy, run_script, tf_loss_and_grads
from tests.cases.proofs._support_cases2 import quiet
from tests.cases.proofs.ll212_keras_relative_change_builder import Y_PRED, Y_TRUE


def prove(path):
    with quiet():
        scope = run_script(path)
    loss, (_, grad) = tf_loss_and_grads(scope["relative_change_error"], Y_TRUE, Y_PRED, grad=(1,))
    assert float(loss) < 1e-3 * len(Y_TRUE), float(loss)
    loss, (_, grad) = tf_loss_and_grads(scope["relative_change_error"], Y_TRUE, Y_PRED * 2, grad=(1,))
    assert_healthy(loss, grad)
