# case: the same TF1 VAE with tf.nn.sigmoid_cross_entropy_with_logits on the decoder logits (the fix suggested in the report): finite for saturated outputs
# source: hwalsuklee/tensorflow-mnist-VAE#4
# expect: none
# near: LL218, LL213, LL201
# style: training-script
import numpy as np
import tensorflow as tf

dim_img, dim_z = 16, 2
x = tf.placeholder(tf.float32, [None, dim_img])
W_enc = tf.Variable(tf.random_normal([dim_img, 2 * dim_z], stddev=0.1))
W_dec = tf.Variable(tf.random_normal([dim_z, dim_img], stddev=0.1))
b_dec = tf.Variable(tf.zeros([dim_img]))

gaussian_params = tf.matmul(x, W_enc)
mu = gaussian_params[:, :dim_z]
logvar = gaussian_params[:, dim_z:]
z = mu + tf.exp(0.5 * logvar) * tf.random_normal(tf.shape(mu))
logits = tf.matmul(z, W_dec) + b_dec

marginal_likelihood = -tf.reduce_sum(tf.nn.sigmoid_cross_entropy_with_logits(labels=x, logits=logits), 1)
KL_divergence = -0.5 * tf.reduce_sum(1 + logvar - tf.square(mu) - tf.exp(logvar), 1)
loss = -tf.reduce_mean(marginal_likelihood) + tf.reduce_mean(KL_divergence)
train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)

rng = np.random.RandomState(0)
images = (rng.rand(32, dim_img) > 0.5).astype(np.float32)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(5):
        _, batch_loss = sess.run([train_op, loss], feed_dict={x: images})
