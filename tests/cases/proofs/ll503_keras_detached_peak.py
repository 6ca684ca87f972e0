import numpy as np
import tensorflow as tf

from tests.cases.proofs._support import assert_healthy, load, tf_loss_and_grads
from tests.cases.proofs._support_cases3 import keras_graph_call
from tests.cases.proofs.ll503_spread_penalty_numpy import Y_PRED, Y_TRUE


def prove(path):
    loss = load(path).peak_normalised_mse
    value, (_, grad) = tf_loss_and_grads(loss, Y_TRUE, Y_PRED, grad=(1,))
    assert_healthy(value, grad)
    graph = keras_graph_call(loss, Y_TRUE, Y_PRED)
    assert np.isclose(float(tf.reduce_sum(graph)), float(value))
