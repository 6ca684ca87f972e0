import numpy as np
import pytest
import tensorflow as tf

from tests.cases.proofs._support import load, tf_loss_and_grads
from tests.cases.proofs._support_cases3 import keras_graph_call

Y_TRUE = np.zeros((2, 4), dtype="float32")
Y_PRED = np.array([[0.1, 2.0, -1.5, 0.4], [3.0, -2.0, 0.0, 1.0]], dtype="float32")


def prove(path):
    loss = load(path).spread_penalised_mse
    value, (_, grad) = tf_loss_and_grads(loss, Y_TRUE, Y_PRED, grad=(1,))
    # Eagerly: the gradient is that of the MSE alone, the spread penalty sends nothing.
    _, (_, mse_grad) = tf_loss_and_grads(lambda t, p: tf.reduce_mean(tf.square(t - p), axis=-1), Y_TRUE, Y_PRED, grad=(1,))
    assert np.isfinite(value)
    assert np.allclose(grad, mse_grad)
    # In graph mode, as model.fit runs the loss, a symbolic tensor has no .numpy().
    with pytest.raises(AttributeError, match="numpy"):
        keras_graph_call(loss, Y_TRUE, Y_PRED)
