# case: a weighted binary cross-entropy with Keras' own (y_true, y_pred) order and an eps inside the logs
# source: realistic
# expect: none
# near: LL602, LL201
# style: training-script
import tensorflow as tf

POS_WEIGHT = 3.0


def weighted_bce(y_true, y_pred, eps=1e-7):
    pos = POS_WEIGHT * y_true * tf.math.log(y_pred + eps)
    neg = (1.0 - y_true) * tf.math.log(1.0 - y_pred + eps)
    return -tf.reduce_mean(pos + neg, axis=-1)


def build_model():
    model = tf.keras.Sequential([tf.keras.layers.Dense(8, activation="relu"), tf.keras.layers.Dense(2, activation="sigmoid")])
    model.compile(optimizer="adam", loss=weighted_bce)
    return model
