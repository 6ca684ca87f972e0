# case: a Keras loss scaled by math.sqrt(2.0), a constant, with the tensor math in keras.ops
# source: realistic
# expect: none
# near: LL502
import math

import keras


def scaled_mae(y_true, y_pred):
    return keras.ops.mean(keras.ops.abs(y_true - y_pred), axis=-1) * math.sqrt(2.0)
