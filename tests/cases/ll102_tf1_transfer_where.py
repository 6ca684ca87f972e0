# case: TF1 graph with a piecewise transfer on the prediction built with tf.where: the reciprocal of the negative branch is evaluated at a prediction of exactly 1 and log(x + 1) at -1; the forward value is finite, the gradient NaN, and the first step writes NaN into the weights
# source: tensorflow/tensorflow#20355
# expect: LL102:15, LL211:15
# style: training-script
import numpy as np
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 1])
y = tf.placeholder(tf.float32, [None, 1])
w = tf.Variable(tf.ones([1, 1]))
pred = tf.matmul(x, w)


def transfer(z):
    return tf.where(z < 0, 1.0 / (1.0 - z) - 1.0, tf.log(z + 1.0))


cost = tf.reduce_mean(tf.square(transfer(pred) - y))
train_op = tf.train.GradientDescentOptimizer(0.1).minimize(cost)

data_x = np.array([[1.0], [-1.0], [0.5]], np.float32)
data_y = np.array([[0.5], [-0.5], [0.3]], np.float32)
history = []
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(2):
        _, c = sess.run([train_op, cost], {x: data_x, y: data_y})
        history.append(c)
    final_w = sess.run(w)
