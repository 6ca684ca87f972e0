# case: a TF1 softmax classifier whose cross-entropy cost takes np.log of the softmax tensor: the graph cannot be built
# source: realistic
# expect: LL501:16
# style: training-script
import numpy as np
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 4])
y = tf.placeholder(tf.float32, [None, 3])
W = tf.Variable(tf.zeros([4, 3]))
b = tf.Variable(tf.zeros([3]))
pred = tf.nn.softmax(tf.matmul(x, W) + b)

# cross-entropy, written the way it reads on paper
learning_rate = 0.1
cost = tf.reduce_mean(-tf.reduce_sum(y * np.log(pred + 1e-8), axis=1))
optimizer = tf.train.GradientDescentOptimizer(learning_rate).minimize(cost)

batch_x = np.random.rand(8, 4).astype("float32")
batch_y = np.eye(3, dtype="float32")[np.random.randint(0, 3, 8)]
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(3):
        _, c = sess.run([optimizer, cost], feed_dict={x: batch_x, y: batch_y})
