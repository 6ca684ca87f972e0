# case: TF1 classifier with weight decay 1e-9 * l2_loss(W) added to the cross-entropy: the decay term's gradient is below float32 resolution next to the data term, it does nothing
# source: realistic
# expect: LL302:14, LL301:14
# style: training-script
import numpy as np
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 6])
y = tf.placeholder(tf.float32, [None, 3])
W = tf.Variable(tf.random_normal([6, 3], stddev=0.5))
b = tf.Variable(tf.zeros([3]))
logits = tf.matmul(x, W) + b
xent = tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits)
cost = tf.reduce_mean(xent) + 1e-9 * tf.nn.l2_loss(W)
train_op = tf.train.GradientDescentOptimizer(0.1).minimize(cost)

rng = np.random.RandomState(0)
data_x = rng.randn(32, 6).astype(np.float32)
data_y = np.eye(3, dtype=np.float32)[rng.randint(0, 3, 32)]
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(5):
        _, c = sess.run([train_op, cost], feed_dict={x: data_x, y: data_y})
