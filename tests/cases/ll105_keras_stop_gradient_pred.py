# case: a Keras MAE with tf.stop_gradient on y_pred (meant for the target): the loss has a value and fit runs, but no gradient reaches the model
# source: realistic
# expect: LL105:11
# select: LL105
# style: training-script
import tensorflow as tf
from tensorflow import keras


def stopped_mae_loss(y_true, y_pred):
    return tf.reduce_mean(tf.abs(y_true - tf.stop_gradient(y_pred)), axis=-1)


def build_regressor(n_features=4):
    model = keras.Sequential([keras.Input((n_features,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss=stopped_mae_loss)
    return model
