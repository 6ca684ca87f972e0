# case: the BPR loss with the sigmoid clipped to [1e-8, 1] before the log (the fix given in the report): finite for any score gap
# source: xiangwang1223/neural_graph_collaborative_filtering#43
# expect: none
# near: LL213, LL201
# style: training-script
import numpy as np
import tensorflow as tf

n_users, n_items, dim = 20, 30, 8
users = tf.placeholder(tf.int32, [None])
pos_items = tf.placeholder(tf.int32, [None])
neg_items = tf.placeholder(tf.int32, [None])
user_embedding = tf.Variable(tf.random_normal([n_users, dim], stddev=0.1))
item_embedding = tf.Variable(tf.random_normal([n_items, dim], stddev=0.1))

u_e = tf.nn.embedding_lookup(user_embedding, users)
pos_e = tf.nn.embedding_lookup(item_embedding, pos_items)
neg_e = tf.nn.embedding_lookup(item_embedding, neg_items)
pos_scores = tf.reduce_sum(tf.multiply(u_e, pos_e), axis=1)
neg_scores = tf.reduce_sum(tf.multiply(u_e, neg_e), axis=1)

maxi = tf.log(tf.clip_by_value(tf.nn.sigmoid(pos_scores - neg_scores), 1e-8, 1.0))
mf_loss = tf.negative(tf.reduce_mean(maxi))
opt = tf.train.AdamOptimizer(learning_rate=0.01).minimize(mf_loss)

rng = np.random.RandomState(0)
sess = tf.Session()
sess.run(tf.global_variables_initializer())
for step in range(5):
    feed = {users: rng.randint(0, n_users, 16), pos_items: rng.randint(0, n_items, 16),
            neg_items: rng.randint(0, n_items, 16)}
    _, batch_loss = sess.run([opt, mf_loss], feed_dict=feed)
sess.close()
