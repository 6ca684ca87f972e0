import numpy as np

from tests.cases.proofs._support import assert_finite, assert_nonfinite, run_tf1_script
from tests.cases.proofs._support_cases2 import tf1_loss_and_grads

# Decoder logits of one image: pixel 0 saturates at +120 on a black pixel, pixel 1 at -120 on a white one.
LOGITS = np.zeros((1, 16), dtype=np.float32)
LOGITS[0, 0], LOGITS[0, 1] = 120.0, -120.0
IMAGE = np.zeros((1, 16), dtype=np.float32)
IMAGE[0, 1] = 1.0


def prove(path):
    scope = run_tf1_script(path)
    assert_finite(scope["batch_loss"], what="the training loss")
    logits = scope["logits"]
    loss, (grad,) = tf1_loss_and_grads(scope["loss"], [logits], {logits: LOGITS, scope["x"]: IMAGE})
    assert_nonfinite(loss, grad)
