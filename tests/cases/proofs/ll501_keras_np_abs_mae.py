import numpy as np
import pytest

from tests.cases.proofs._support import assert_no_gradient, load, tf_loss_and_grads
from tests.cases.proofs._support_cases3 import keras_graph_call

Y_TRUE = np.array([[1.0, 0.0], [0.5, 2.0]], dtype="float32")
Y_PRED = np.array([[0.2, 0.3], [1.5, 1.0]], dtype="float32")


def prove(path):
    case = load(path)
    assert case.build_model().loss is case.mae_loss
    # Eagerly the loss has a value but the prediction gets no gradient from it ...
    value, (_, grad) = tf_loss_and_grads(case.mae_loss, Y_TRUE, Y_PRED, grad=(1,))
    assert np.isfinite(value) and value > 0
    assert_no_gradient(grad)
    # ... and in graph mode, as fit runs it, numpy cannot read a symbolic tensor.
    with pytest.raises(NotImplementedError):
        keras_graph_call(case.mae_loss, Y_TRUE, Y_PRED)
