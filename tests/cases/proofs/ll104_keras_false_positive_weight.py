import numpy as np
import pytest
import tensorflow as tf

from tests.cases.proofs._support import load

Y_TRUE = np.zeros((4, 8), np.float32)
Y_PRED = np.full((4, 8), 0.7, np.float32)


def prove(path):
    loss_fn = load(path).false_positive_weighted_loss
    # Eagerly: the truth value of a batch is ambiguous.
    with pytest.raises((ValueError, TypeError)):
        loss_fn(tf.constant(Y_TRUE), tf.constant(Y_PRED))
    # In a graph (how fit runs it): AutoGraph turns it into a tf.cond, which needs a scalar.
    with pytest.raises((ValueError, TypeError, tf.errors.OperatorNotAllowedInGraphError, tf.errors.InvalidArgumentError)):
        tf.function(loss_fn)(tf.constant(Y_TRUE), tf.constant(Y_PRED))
