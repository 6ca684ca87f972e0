from tests.cases.proofs._support import assert_healthy, run_script, tf_loss_and_grads
from tests.cases.proofs._support_cases2 import quiet
from tests.cases.proofs.ll211_keras_log_count_loss_builder import Y_PRED, Y_TRUE


def prove(path):
    with quiet():
        scope = run_script(path)
    loss, (_, grad) = tf_loss_and_grads(scope["log_count_l1"], Y_TRUE, Y_PRED, grad=(1,))
    assert float(loss) > 0.0
    assert_healthy(loss, grad)
