# case: TF1 classifier whose cost is log(sum(exp(logits))) - logit of the label, written out: a logit above ~88 overflows exp and the cost is inf
# source: realistic
# expect: LL215:14
# style: training-script
import numpy as np
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 10])
y = tf.placeholder(tf.float32, [None, 4])
W = tf.Variable(tf.random_normal([10, 4], stddev=0.1))
b = tf.Variable(tf.zeros([4]))
logits = tf.matmul(x, W) + b
# negative log-likelihood of the softmax: log-partition minus the label's logit
cost = tf.reduce_mean(tf.log(tf.reduce_sum(tf.exp(logits), axis=1)) - tf.reduce_sum(y * logits, axis=1))
train_op = tf.train.AdamOptimizer(0.01).minimize(cost)

rng = np.random.RandomState(0)
data_x = rng.randn(24, 10).astype(np.float32)
data_y = np.eye(4, dtype=np.float32)[rng.randint(0, 4, 24)]
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(5):
        _, c = sess.run([train_op, cost], feed_dict={x: data_x, y: data_y})
