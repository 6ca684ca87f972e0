import tensorflow as tf

from tests.cases.proofs._support import assert_healthy, load, tf_loss_and_grads
from tests.cases.proofs._support_cases3 import keras_graph_call
from tests.cases.proofs.ll502_cs_divergence_math_log import Y_PRED, Y_TRUE


def prove(path):
    loss = load(path).scaled_mae
    value, (_, grad) = tf_loss_and_grads(loss, Y_TRUE, Y_PRED, grad=(1,))
    assert_healthy(value, grad)
    graph_value = keras_graph_call(loss, Y_TRUE, Y_PRED)
    assert abs(float(tf.reduce_sum(graph_value)) - float(value)) < 1e-5
