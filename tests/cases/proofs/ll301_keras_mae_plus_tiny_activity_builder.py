import numpy as np
import tensorflow as tf
from keras import ops

from tests.cases.proofs._support import grad_norm_ratio, run_script
from tests.cases.proofs._support_cases2 import quiet, tf_term_grad_norms
from tests.cases.proofs.ll301_deep_image_prior_tv_weight_script import WEIGHT_RATIO

rng = np.random.RandomState(1)
Y_TRUE = tf.constant(rng.randn(8, 2).astype(np.float32))
Y_PRED = tf.Variable(rng.randn(8, 2).astype(np.float32))


def prove(path):
    with quiet():
        scope = run_script(path)
    assert scope["model"].loss is scope["mae_with_penalty"]
    assert np.isfinite(scope["mae_with_penalty"](Y_TRUE, Y_PRED).numpy()).all()
    # The two terms of the sum, each with its written weight, and their gradients to the prediction.
    terms = [lambda: ops.mean(ops.abs(Y_TRUE - Y_PRED), axis=-1),
             lambda: 1e-5 * ops.mean(ops.square(Y_PRED), axis=-1)]
    norms = tf_term_grad_norms(terms, [Y_PRED])
    assert min(norms) > 0
    assert grad_norm_ratio(norms) > WEIGHT_RATIO, norms
