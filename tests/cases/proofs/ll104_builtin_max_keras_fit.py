import pytest
import tensorflow as tf

from tests.cases.proofs._support import load


def prove(path):
    loss_fn = load(path).worst_case_loss
    y_true = tf.constant([[1.0], [2.0]])
    y_pred = tf.constant([[0.5], [4.0]])
    with pytest.raises(tf.errors.OperatorNotAllowedInGraphError):
        tf.function(loss_fn)(y_true, y_pred)
