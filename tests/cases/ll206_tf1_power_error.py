# case: a TF1 regression on a "power 1.5" error tf.pow(y - pred, 1.5) meant to sit between L1 and L2: every sample with pred > y has a negative base, the cost is NaN at the first step
# source: realistic
# expect: LL206:13
# style: training-script
import numpy as np
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 3])
y = tf.placeholder(tf.float32, [None, 1])
w = tf.Variable(tf.random_normal([3, 1], seed=0))
pred = tf.matmul(x, w)

cost = tf.reduce_mean(tf.pow(y - pred, 1.5))
train_op = tf.train.GradientDescentOptimizer(0.01).minimize(cost)

rng = np.random.RandomState(0)
data_x, data_y = rng.randn(16, 3).astype(np.float32), rng.randn(16, 1).astype(np.float32)
history = []
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(2):
        _, c = sess.run([train_op, cost], {x: data_x, y: data_y})
        history.append(c)
