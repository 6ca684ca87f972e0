from tests.cases.proofs._support import assert_healthy, load, tf_loss_and_grads
from tests.cases.proofs.ll602_actor_policy_loss import BASELINE, POLICY


def prove(path):
    case = load(path)
    assert case.build_model().loss is case.weighted_bce
    labels = (BASELINE > 0).astype("float32")  # targets with exact zeros, as in the swapped case
    value, (_, grad) = tf_loss_and_grads(case.weighted_bce, labels, POLICY, grad=(1,))  # Keras' order
    assert_healthy(value, grad)
