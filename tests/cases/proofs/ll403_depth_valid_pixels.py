import numpy as np

from tests.cases.proofs._support import assert_healthy, load, tf_loss_and_grads
from tests.cases.proofs._support_cases3 import assert_scaled_by_padding


def prove(path):
    case = load(path)
    assert case.build_depth_model().loss is case.masked_depth_l1
    pred = np.full((2, 16), 2.0, dtype="float32")
    dense = np.full((2, 16), 3.0, dtype="float32")
    sparse = dense.copy()
    sparse[1, 4:] = 0.0  # the second image has ground truth on a quarter of its pixels
    per_image = case.masked_depth_l1(dense, pred).numpy()
    value, (_, grad) = tf_loss_and_grads(case.masked_depth_l1, sparse, pred, grad=(1,))
    assert_healthy(value, grad)
    sparse_per_image = case.masked_depth_l1(sparse, pred).numpy()
    # Every valid pixel is off by exactly 1, yet the sparse image's loss is a quarter of the dense one.
    assert np.allclose(per_image, 1.0)
    assert_scaled_by_padding(per_image[1], sparse_per_image[1], 4.0)
