# case: a TF1 regression whose cost is the mean of exp(|y - pred|) to punish large errors: an error above about 89 overflows exp in float32, and one outlier makes the cost inf
# source: realistic
# expect: LL204:13
# style: training-script
import numpy as np
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 2])
y = tf.placeholder(tf.float32, [None, 1])
w = tf.Variable(tf.zeros([2, 1]))
pred = tf.matmul(x, w)

cost = tf.reduce_mean(tf.exp(tf.abs(y - pred)))
train_op = tf.train.GradientDescentOptimizer(1e-3).minimize(cost)

data_x = np.random.RandomState(0).randn(5, 2).astype(np.float32)
data_y = np.array([[1.0], [0.5], [-0.3], [2.0], [120.0]], np.float32)  # one outlier
history = []
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(2):
        _, c = sess.run([train_op, cost], {x: data_x, y: data_y})
        history.append(c)
