# case: a TF1 cross-entropy cost built from tf ops and normalised by np.log(num_classes), numpy on a Python number
# source: realistic
# expect: none
# near: LL501
# style: training-script
import numpy as np
import tensorflow as tf

num_classes = 3
x = tf.placeholder(tf.float32, [None, 4])
y = tf.placeholder(tf.float32, [None, num_classes])
W = tf.Variable(tf.random_normal([4, num_classes], stddev=0.1, seed=1))
b = tf.Variable(tf.zeros([num_classes]))
logits = tf.matmul(x, W) + b

cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits)) / np.log(num_classes)
optimizer = tf.train.GradientDescentOptimizer(0.1).minimize(cost)
grads = tf.gradients(cost, [W, b])

batch_x = np.random.rand(8, 4).astype("float32")
batch_y = np.eye(num_classes, dtype="float32")[np.random.randint(0, num_classes, 8)]
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(3):
        _, c, g = sess.run([optimizer, cost, grads], feed_dict={x: batch_x, y: batch_y})
