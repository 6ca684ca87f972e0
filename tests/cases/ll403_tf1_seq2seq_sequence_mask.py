# case: a TF1 seq2seq decoder cost: the cross-entropy is multiplied by a sequence mask, then reduce_mean divides by every padded step
# source: realistic
# expect: LL403:21
# style: training-script
import numpy as np
import tensorflow as tf

VOCAB, MAX_LEN, HIDDEN = 8, 6, 5

decoder_outputs = tf.placeholder(tf.float32, [None, MAX_LEN, HIDDEN])
target_ids = tf.placeholder(tf.int32, [None, MAX_LEN])
target_lengths = tf.placeholder(tf.int32, [None])

projection = tf.Variable(tf.random_normal([HIDDEN, VOCAB], stddev=0.5, seed=3))
logits = tf.tensordot(decoder_outputs, projection, axes=1)
crossent = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=target_ids, logits=logits)
mask = tf.sequence_mask(target_lengths, MAX_LEN, dtype=tf.float32)

# average over the batch and the time steps
learning_rate = 0.5
cost = tf.reduce_mean(crossent * mask)
train_op = tf.train.GradientDescentOptimizer(learning_rate).minimize(cost)

rng = np.random.RandomState(0)
feed = {
    decoder_outputs: rng.randn(4, MAX_LEN, HIDDEN),
    target_ids: rng.randint(0, VOCAB, (4, MAX_LEN)),
    target_lengths: [6, 3, 2, 1],
}
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(3):
        _, c = sess.run([train_op, cost], feed_dict=feed)
