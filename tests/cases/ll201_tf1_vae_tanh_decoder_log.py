# case: TF1 autoencoder with a tanh decoder whose reconstruction cost is a hand-written cross-entropy: tanh outputs reach -1..1, so log(y) and log(1 - y) take logs of negative numbers and zero, and the cost is NaN from the first step
# source: pkmital/tensorflow_tutorials#23
# expect: LL201:19, LL201:20
# style: training-script
import numpy as np
import tensorflow as tf

n_input, n_code = 6, 2
x = tf.placeholder(tf.float32, [None, n_input])
w_enc = tf.Variable(tf.random_normal([n_input, n_code], stddev=1.0, seed=0))
w_dec = tf.Variable(tf.random_normal([n_code, n_input], stddev=1.0, seed=1))
z = tf.nn.tanh(tf.matmul(x, w_enc))
y = tf.nn.tanh(tf.matmul(z, w_dec))

# Bernoulli log-likelihood of the input under the decoder output
cost = -tf.reduce_mean(
    tf.reduce_sum(
        x
        * tf.log(y)
        + (1 - x) * tf.log(1 - y),
        1,
    )
)
optimizer = tf.train.AdamOptimizer(0.01).minimize(cost)

data = np.random.RandomState(0).rand(16, n_input).astype(np.float32)
history = []
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(3):
        _, c = sess.run([optimizer, cost], {x: data})
        history.append(c)
