import tensorflow as tf

from tests.cases.proofs._support import assert_healthy, load, tf_loss_and_grads


def prove(path):
    loss_fn = load(path).worst_case_loss
    tf.function(loss_fn)(tf.constant([[1.0], [2.0]]), tf.constant([[0.5], [4.0]]))
    loss, (_, grad) = tf_loss_and_grads(loss_fn, [[1.0], [2.0]], [[0.5], [4.0]], grad=(1,))
    assert_healthy(loss, grad)
