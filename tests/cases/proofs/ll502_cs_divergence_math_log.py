import numpy as np
import pytest

from tests.cases.proofs._support import assert_no_gradient, load, tf_loss_and_grads
from tests.cases.proofs._support_cases3 import keras_graph_call

Y_TRUE = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], dtype="float32")
Y_PRED = np.array([[0.6, 0.3, 0.1], [0.2, 0.3, 0.5]], dtype="float32")


def prove(path):
    case = load(path)
    assert case.build_classifier().loss is case.cs_divergence
    value, (_, grad) = tf_loss_and_grads(case.cs_divergence, Y_TRUE, Y_PRED, grad=(1,))
    assert np.isfinite(value)
    assert_no_gradient(grad)
    with pytest.raises(TypeError):
        keras_graph_call(case.cs_divergence, Y_TRUE, Y_PRED)
