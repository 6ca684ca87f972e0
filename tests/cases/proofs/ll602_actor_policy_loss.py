import numpy as np

from tests.cases.proofs._support import assert_finite, assert_nonfinite, load, tf_loss_and_grads

POLICY = np.array([[0.71720082, 0.28279918]], dtype="float32")  # the softmax output
BASELINE = np.array([[0.0, 1.17142606]], dtype="float32")  # the target: zero except the action taken


def prove(path):
    actor = load(path).Actor()
    assert actor.model.loss == actor.policy_loss
    # As the author meant it: finite.
    meant, _ = tf_loss_and_grads(actor.policy_loss, POLICY, BASELINE)
    assert_finite(meant)
    # As Keras calls it, loss(y_true, y_pred): the log of the baseline's 0.
    called, (_, grad) = tf_loss_and_grads(actor.policy_loss, BASELINE, POLICY, grad=(1,))
    assert_nonfinite(called)
