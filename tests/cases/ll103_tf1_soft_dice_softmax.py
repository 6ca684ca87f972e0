# case: the TF1 segmentation trained on a soft dice of the softmax probabilities instead of the argmax: the cost is differentiable and minimize works
# source: tensorlayer/TensorLayer#891
# expect: none
# near: LL103
# style: training-script
import numpy as np
import tensorflow as tf

n_pixels = 8
images = tf.placeholder(tf.float32, [None, n_pixels])
labels = tf.placeholder(tf.float32, [None, n_pixels])
w = tf.Variable(tf.random_normal([n_pixels, n_pixels * 2], stddev=0.1, seed=1))
logits = tf.reshape(tf.matmul(images, w), [-1, n_pixels, 2])

prob = tf.nn.softmax(logits, axis=-1)[..., 1]
inter = tf.reduce_sum(prob * labels)
dice = (2.0 * inter + 1e-5) / (tf.reduce_sum(prob) + tf.reduce_sum(labels) + 1e-5)
cost = 1.0 - dice
train_op = tf.train.AdamOptimizer(1e-2).minimize(cost)

rng = np.random.RandomState(0)
feed = {images: rng.rand(4, n_pixels), labels: rng.rand(4, n_pixels) > 0.5}
history = []
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(10):
        _, c = sess.run([train_op, cost], feed)
        history.append(c)
