# case: a Keras loss rescales the prediction through tf.constant(...): eager code passes it through, fit's graph raises on it
# source: realistic
# expect: LL504:10
import tensorflow as tf

SCALE = 10.0


def scaled_l1(y_true, y_pred):
    scaled = tf.constant(y_pred * SCALE)
    return tf.reduce_mean(tf.abs(y_true * SCALE - scaled), axis=-1)


model = tf.keras.Sequential([tf.keras.layers.Dense(3)])
model.compile(optimizer="adam", loss=scaled_l1)
