# case: TF1 color-constancy training on the angular error acos(<pred, gt>) of normalized illuminants, without the clip: a prediction parallel to the ground truth is acos(1), whose derivative is infinite, and the weights become NaN
# source: yuanming-hu/fc4#33
# expect: LL205:17
# style: training-script
import math

import numpy as np
import tensorflow as tf

features = tf.placeholder(tf.float32, [None, 3])
illum = tf.placeholder(tf.float32, [None, 3])
w = tf.Variable(tf.eye(3))
pred = tf.matmul(features, w)

pred_n = tf.nn.l2_normalize(pred, 1)
gt_n = tf.nn.l2_normalize(illum, 1)
angle = tf.acos(tf.reduce_sum(pred_n * gt_n, 1)) * (180.0 / math.pi)
cost = tf.reduce_mean(angle)
train_op = tf.train.AdamOptimizer(1e-3).minimize(cost)

batch_x = np.array([[2.0, 0.0, 0.0], [0.5, 0.9, 0.2]], np.float32)
batch_illum = np.array([[1.0, 0.0, 0.0], [0.3, 0.5, 0.8]], np.float32)  # the first one is already exact
history = []
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(2):
        _, c = sess.run([train_op, cost], {features: batch_x, illum: batch_illum})
        history.append(c)
    final_w = sess.run(w)
