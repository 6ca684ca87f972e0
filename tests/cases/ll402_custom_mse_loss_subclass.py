# case: the Keras guide's CustomMSE pattern: a Loss subclass whose call() averages over the whole batch, so sample_weight scales a scalar
# source: tensorflow/tensorflow#42446
# expect: LL402:15, LL402:16
# style: training-script
import tensorflow as tf
from tensorflow import keras


class CustomMSE(keras.losses.Loss):
    def __init__(self, regularization_factor=0.1, name="custom_mse"):
        super().__init__(name=name)
        self.regularization_factor = regularization_factor

    def call(self, y_true, y_pred):
        mse = tf.math.reduce_mean(tf.square(y_true - y_pred))
        reg = tf.math.reduce_mean(tf.square(0.5 - y_pred))
        return mse + reg * self.regularization_factor


def get_compiled_model(num_classes=10):
    model = keras.Sequential([keras.layers.Dense(32, activation="relu"), keras.layers.Dense(num_classes)])
    model.compile(optimizer=keras.optimizers.Adam(), loss=CustomMSE())
    return model
