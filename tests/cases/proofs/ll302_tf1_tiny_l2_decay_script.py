import numpy as np
import tensorflow as tf

from tests.cases.proofs._support import assert_finite, run_tf1_script


def prove(path):
    scope = run_tf1_script(path)
    assert_finite(scope["c"], what="the training cost")
    cost, W, x, y = scope["cost"], scope["W"], scope["x"], scope["y"]
    with cost.graph.as_default():
        data_term = tf.compat.v1.reduce_mean(scope["xent"])
        decay_term = 1e-9 * tf.compat.v1.nn.l2_loss(W)
    rng = np.random.RandomState(1)
    feed = {x: rng.randn(16, 6).astype(np.float32), y: np.eye(3, dtype=np.float32)[rng.randint(0, 3, 16)]}
    # The three gradients in one session run, so they see the same initial W.
    with cost.graph.as_default():
        g_cost, g_data, g_decay = tf.compat.v1.gradients(cost, W)[0], tf.compat.v1.gradients(data_term, W)[0], \
            tf.compat.v1.gradients(decay_term, W)[0]
        with tf.compat.v1.Session(graph=cost.graph) as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            g_cost, g_data, g_decay = sess.run([g_cost, g_data, g_decay], feed_dict=feed)
    assert np.abs(g_decay).max() > 0
    # The decay term's whole contribution is within float32 rounding of the data term's gradient.
    change = np.linalg.norm(g_cost - g_data) / np.linalg.norm(g_data)
    assert change <= np.finfo(np.float32).eps, change
    assert np.linalg.norm(g_decay) / np.linalg.norm(g_data) < 1e-6
