import numpy as np

from tests.cases.proofs._support import assert_healthy, load, tf_loss_and_grads
from tests.cases.proofs._support_cases3 import keras_graph_call
from tests.cases.proofs.ll504_tf_constant_scaled_pred import Y_PRED, Y_TRUE


def prove(path):
    loss = load(path).weighted_squared_error
    value, (_, grad) = tf_loss_and_grads(loss, Y_TRUE, Y_PRED, grad=(1,))
    assert_healthy(value, grad)
    assert np.isclose(float(keras_graph_call(loss, Y_TRUE, Y_PRED).numpy().sum()), float(value))
