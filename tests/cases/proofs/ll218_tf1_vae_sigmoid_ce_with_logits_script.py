from tests.cases.proofs._support import assert_finite, assert_healthy, run_tf1_script
from tests.cases.proofs._support_cases2 import tf1_loss_and_grads
from tests.cases.proofs.ll218_tf1_vae_bernoulli_likelihood_script import IMAGE, LOGITS


def prove(path):
    scope = run_tf1_script(path)
    assert_finite(scope["batch_loss"], what="the training loss")
    logits = scope["logits"]
    loss, (grad,) = tf1_loss_and_grads(scope["loss"], [logits], {logits: LOGITS, scope["x"]: IMAGE})
    assert_healthy(loss, grad)
