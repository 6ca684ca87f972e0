# case: a TF1 boosting-style exponential margin cost calls math.exp on the margin tensor while the graph is built
# source: realistic
# expect: LL502:15
# style: training-script
import math

import numpy as np
import tensorflow as tf

features = tf.placeholder(tf.float32, [None, 5])
labels = tf.placeholder(tf.float32, [None])  # +1 / -1
w = tf.Variable(tf.zeros([5, 1]))
score = tf.squeeze(tf.matmul(features, w), axis=1)

cost = tf.reduce_mean(math.exp(-labels * score))
train_op = tf.train.AdamOptimizer(0.01).minimize(cost)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    feed = {features: np.random.randn(16, 5), labels: np.sign(np.random.randn(16))}
    for step in range(5):
        sess.run(train_op, feed_dict=feed)
