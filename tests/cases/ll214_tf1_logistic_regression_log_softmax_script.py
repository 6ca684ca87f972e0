# case: the same TF1 softmax regression with tf.nn.log_softmax on the logits: finite for any logit gap
# source: aymericdamien/TensorFlow-Examples#383
# expect: none
# near: LL214, LL201
# style: training-script
import numpy as np
import tensorflow as tf

learning_rate = 0.01
training_epochs = 5

x = tf.placeholder(tf.float32, [None, 20])
y = tf.placeholder(tf.float32, [None, 5])
W = tf.Variable(tf.zeros([20, 5]))
b = tf.Variable(tf.zeros([5]))
logits = tf.matmul(x, W) + b
cost = tf.reduce_mean(-tf.reduce_sum(y * tf.nn.log_softmax(logits), reduction_indices=1))
optimizer = tf.train.GradientDescentOptimizer(learning_rate).minimize(cost)
init = tf.global_variables_initializer()

rng = np.random.RandomState(0)
batch_xs = rng.rand(16, 20).astype(np.float32)
batch_ys = np.eye(5, dtype=np.float32)[rng.randint(0, 5, 16)]
with tf.Session() as sess:
    sess.run(init)
    for epoch in range(training_epochs):
        _, c = sess.run([optimizer, cost], feed_dict={x: batch_xs, y: batch_ys})
