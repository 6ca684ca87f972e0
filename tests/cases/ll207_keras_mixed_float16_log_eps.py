# case: a GradientTape loop under the Keras mixed_float16 policy whose log loss adds 1e-9 to the float16 model output: 1e-9 is below the smallest float16 number, so a probability of 0 still gives log(0)
# source: realistic
# expect: LL207:13
# style: training-script
import keras
import numpy as np
import tensorflow as tf

keras.mixed_precision.set_global_policy("mixed_float16")


def log_loss(y_true, y_pred):
    return -tf.reduce_mean(y_true * tf.math.log(y_pred + 1e-9), axis=-1)


model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
optimizer = keras.optimizers.SGD(0.1)
rng = np.random.RandomState(0)
data_x, data_y = rng.randn(8, 4).astype(np.float32), np.eye(3, dtype=np.float32)[rng.randint(0, 3, 8)]
for step in range(2):
    with tf.GradientTape() as tape:
        y_pred = model(data_x)  # float16 under the policy
        loss = tf.reduce_mean(log_loss(tf.cast(data_y, y_pred.dtype), y_pred))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
