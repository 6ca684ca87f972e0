import warnings

import numpy as np
import pytest

from tests.cases.proofs._support import assert_no_gradient, load, tf_loss_and_grads
from tests.cases.proofs._support_cases3 import keras_graph_call

RNG = np.random.default_rng(0)
Y_TRUE = (RNG.random((2, 245)) > 0.8).astype("float32")
Y_PRED = RNG.random((2, 245)).astype("float32")


def prove(path):
    case = load(path)
    assert case.build_detector().loss is case.grid_loss
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # numpy 2 on a tensor's __array__
        value, (_, grad) = tf_loss_and_grads(case.grid_loss, Y_TRUE, Y_PRED, grad=(1,))
        assert np.isfinite(value) and value > 0
        assert_no_gradient(grad)
        with pytest.raises(NotImplementedError):
            keras_graph_call(case.grid_loss, Y_TRUE, Y_PRED)
