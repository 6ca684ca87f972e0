# case: TF1 regression meant to ignore errors below 1.0, written as where(err > 1, err, 0): the loss jumps from 0 to 1 at the gate and every sample inside it sends no gradient, so training never starts
# source: realistic
# expect: LL101:15
# style: training-script
import numpy as np
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 3])
y = tf.placeholder(tf.float32, [None, 1])
w = tf.Variable(tf.zeros([3, 1]))
b = tf.Variable(tf.zeros([1]))
pred = tf.matmul(x, w) + b

err = tf.abs(y - pred)
cost = tf.reduce_mean(tf.where(err > 1.0, err, tf.zeros_like(err)))
train_op = tf.train.GradientDescentOptimizer(0.5).minimize(cost)

data_x = np.random.RandomState(0).randn(8, 3).astype(np.float32)
data_y = np.full((8, 1), 0.9, np.float32)
history = []
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(5):
        _, c = sess.run([train_op, cost], {x: data_x, y: data_y})
        history.append(c)
    final_w, final_b = sess.run([w, b])
