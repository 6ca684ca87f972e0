# case: an entropy penalty on relu "probabilities" guarded by tf.where(p > 0, p * log(p), 0) in a GradientTape loop: relu outputs exact zeros, log(0) is evaluated in the unselected branch, and the tape returns NaN gradients for every weight
# source: realistic
# expect: LL102:15
# style: training-script
import numpy as np
import tensorflow as tf

model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(3, activation="relu")])
optimizer = tf.keras.optimizers.SGD(0.1)


def entropy_penalty_loss(y_true, activations):
    p = activations / (tf.reduce_sum(activations, axis=-1, keepdims=True) + 1e-6)
    mse = tf.reduce_mean(tf.square(y_true - p), axis=-1)
    ent = -tf.reduce_sum(tf.where(p > 0, p * tf.math.log(p), tf.zeros_like(p)), axis=-1)
    return tf.reduce_mean(mse + 0.1 * ent)


rng = np.random.RandomState(0)
data_x = rng.randn(8, 4).astype(np.float32)
data_y = np.eye(3, dtype=np.float32)[rng.randint(0, 3, 8)]
for step in range(2):
    with tf.GradientTape() as tape:
        loss = entropy_penalty_loss(data_y, model(data_x))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
