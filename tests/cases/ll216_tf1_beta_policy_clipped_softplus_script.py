# case: TF1 Beta policy whose concentrations are log(exp(x) + 1) of x clipped to [log 1e-6, -log 1e-6] (the report's fix for its NaN): values change and the gradient is 0 beyond the clip
# source: tensorforce/tensorforce#114
# expect: LL216:18
# style: training-script
import numpy as np
import tensorflow as tf

EPS = 1e-6
LOG_EPS = float(np.log(EPS))

states = tf.placeholder(tf.float32, [None, 3])
actions = tf.placeholder(tf.float32, [None, 1])
advantages = tf.placeholder(tf.float32, [None])
W = tf.Variable(tf.random_normal([3, 2], stddev=0.1))
b = tf.Variable(tf.zeros([2]))
features = tf.matmul(states, W) + b
params = tf.clip_by_value(features, LOG_EPS, -LOG_EPS)
concentration = tf.log(tf.exp(params) + 1.0)
alpha, beta = concentration[:, :1], concentration[:, 1:]
log_norm = tf.lgamma(alpha) + tf.lgamma(beta) - tf.lgamma(alpha + beta)
bounded = tf.minimum(actions, 1.0 - EPS)
log_prob = (beta - 1.0) * tf.log(tf.maximum(bounded, EPS)) + (alpha - 1.0) * tf.log1p(-bounded) - log_norm
loss = -tf.reduce_mean(tf.squeeze(log_prob, 1) * advantages)
train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)

rng = np.random.RandomState(0)
batch = {states: rng.randn(8, 3), actions: rng.uniform(0.05, 0.95, (8, 1)), advantages: rng.randn(8)}
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(5):
        _, batch_loss = sess.run([train_op, loss], feed_dict=batch)
