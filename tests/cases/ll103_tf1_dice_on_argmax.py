# case: TF1 segmentation whose dice cost is computed on the argmax of the logits: argmax has no gradient, so optimizer.minimize(cost) finds no gradient for any variable
# source: tensorlayer/TensorLayer#891
# expect: LL103:14
# style: training-script
import numpy as np
import tensorflow as tf

n_pixels = 8
images = tf.placeholder(tf.float32, [None, n_pixels])
labels = tf.placeholder(tf.float32, [None, n_pixels])
w = tf.Variable(tf.random_normal([n_pixels, n_pixels * 2], stddev=0.1))
logits = tf.reshape(tf.matmul(images, w), [-1, n_pixels, 2])

pred = tf.cast(tf.argmax(logits, axis=-1), tf.float32)
inter = tf.reduce_sum(pred * labels)
dice = (2.0 * inter + 1e-5) / (tf.reduce_sum(pred) + tf.reduce_sum(labels) + 1e-5)
cost = 1.0 - dice
train_op = tf.train.AdamOptimizer(1e-3).minimize(cost)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    feed = {images: np.random.rand(2, n_pixels), labels: np.random.rand(2, n_pixels) > 0.5}
    for step in range(3):
        sess.run(train_op, feed)
