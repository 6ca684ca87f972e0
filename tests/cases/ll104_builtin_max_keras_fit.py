# case: a "worst of two errors" Keras loss written with builtin max(): it compares two symbolic tensors in Python, which graph mode (model.fit) refuses
# source: realistic
# expect: LL104:12
# style: training-script
import tensorflow as tf
from tensorflow import keras


def worst_case_loss(y_true, y_pred):
    mae = tf.reduce_mean(tf.abs(y_true - y_pred), axis=-1)
    mse = tf.reduce_mean(tf.square(y_true - y_pred), axis=-1)
    return max(mae, mse)


def build_regressor(n_features=4):
    model = keras.Sequential([keras.Input((n_features,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss=worst_case_loss)
    return model
