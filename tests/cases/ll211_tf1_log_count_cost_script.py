# case: TF1 count regression: the cost compares log(1 + rate) with log(1 + counts), so small rates round to log(1) = 0 and stop training
# source: realistic
# expect: LL211:13
# style: training-script
import numpy as np
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 4])
y = tf.placeholder(tf.float32, [None, 1])
W = tf.Variable(tf.zeros([4, 1]))
b = tf.Variable(tf.zeros([1]))
rate = tf.nn.softplus(tf.matmul(x, W) + b)
cost = tf.reduce_mean(tf.square(tf.log(1.0 + rate) - tf.log(1.0 + y)))
optimizer = tf.train.GradientDescentOptimizer(0.5).minimize(cost)

rng = np.random.RandomState(0)
data_x = rng.rand(32, 4).astype(np.float32)
data_y = rng.poisson(2.0, (32, 1)).astype(np.float32)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(5):
        _, c = sess.run([optimizer, cost], feed_dict={x: data_x, y: data_y})
