# case: TF1 logistic regression on -1/+1 labels with the cost log(1 + exp(-y * logits)) written out: a margin below ~-88 overflows exp and the cost is inf
# source: tensorflow/tensorflow#172
# expect: LL216:13
# style: training-script
import numpy as np
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 5])
y = tf.placeholder(tf.float32, [None])
w = tf.Variable(tf.zeros([5, 1]))
b = tf.Variable(0.0)
logits = tf.squeeze(tf.matmul(x, w), 1) + b
cost = tf.reduce_mean(tf.log(1.0 + tf.exp(-y * logits)))
train_op = tf.train.GradientDescentOptimizer(0.1).minimize(cost)

rng = np.random.RandomState(0)
data_x = rng.randn(40, 5).astype(np.float32)
data_y = np.sign(data_x[:, 0] + 0.1).astype(np.float32)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(10):
        _, c = sess.run([train_op, cost], feed_dict={x: data_x, y: data_y})
