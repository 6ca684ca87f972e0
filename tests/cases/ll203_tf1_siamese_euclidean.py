# case: a TF1 siamese network trained on a contrastive cost over the euclidean distance sqrt(sum((a - b)^2)): a pair of identical images has distance 0, the sqrt's derivative there is infinite, and the weights become NaN
# source: realistic
# expect: LL203:16
# style: training-script
import numpy as np
import tensorflow as tf

margin = 1.0
left = tf.placeholder(tf.float32, [None, 4])
right = tf.placeholder(tf.float32, [None, 4])
same = tf.placeholder(tf.float32, [None])
w = tf.Variable(tf.random_normal([4, 3], stddev=0.5, seed=0))
emb_left = tf.matmul(left, w)
emb_right = tf.matmul(right, w)

dist = tf.sqrt(tf.reduce_sum(tf.square(emb_left - emb_right), 1))
cost = tf.reduce_mean(same * dist + (1.0 - same) * tf.square(tf.maximum(margin - dist, 0.0)))
train_op = tf.train.GradientDescentOptimizer(0.05).minimize(cost)

rng = np.random.RandomState(0)
a = rng.randn(3, 4).astype(np.float32)
b = np.concatenate([a[:1], rng.randn(2, 4).astype(np.float32)])  # the first pair is one image twice
history = []
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(2):
        _, c = sess.run([train_op, cost], {left: a, right: b, same: [1.0, 0.0, 1.0]})
        history.append(c)
    final_w = sess.run(w)
