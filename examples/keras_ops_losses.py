"""A faulty backend-agnostic Keras 3 loss, and a correct one."""

import keras
from keras import ops


class CategoricalLoss(keras.losses.Loss):
    def call(self, y_true, y_pred):
        probs = ops.softmax(y_pred)
        # LL214: softmax underflows to exactly 0; log_softmax is exact.
        return -ops.sum(y_true * ops.log(probs), axis=-1)


class GuardedCategoricalLoss(keras.losses.Loss):
    def call(self, y_true, y_pred):
        probs = ops.softmax(y_pred)
        return -ops.sum(y_true * ops.log(probs + keras.backend.epsilon()), axis=-1)
