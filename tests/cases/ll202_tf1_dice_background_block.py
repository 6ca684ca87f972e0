# case: TF1 brain-mask training whose dice cost divides by the predicted plus the true mask volume: a block with no brain in which the relu head predicts nothing is 0 / 0, and the cost turns NaN
# source: neuronets/nobrainer#8
# expect: LL202:16
# style: training-script
import numpy as np
import tensorflow as tf

n_voxels = 8
x = tf.placeholder(tf.float32, [None, n_voxels])
labels = tf.placeholder(tf.float32, [None, n_voxels])
w = tf.Variable(tf.random_normal([n_voxels, n_voxels], stddev=0.1, seed=0))
b = tf.Variable(tf.zeros([n_voxels]))
pred = tf.nn.relu(tf.matmul(x, w) + b)

inter = tf.reduce_sum(pred * labels)
dice = 2.0 * inter / (tf.reduce_sum(pred) + tf.reduce_sum(labels))
cost = 1.0 - dice
train_op = tf.train.GradientDescentOptimizer(0.1).minimize(cost)

history = []
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    # one block of background: no brain voxel, a blank input
    block = {x: np.zeros((2, n_voxels), np.float32), labels: np.zeros((2, n_voxels), np.float32)}
    for step in range(2):
        _, c = sess.run([train_op, cost], block)
        history.append(c)
