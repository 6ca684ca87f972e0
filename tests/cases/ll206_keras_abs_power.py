# case: the sub-linear Keras loss with the fractional power taken of |y_pred - y_true|: the base is non-negative by construction
# source: realistic
# expect: none
# near: LL206
from keras import ops


def power_loss(y_true, y_pred):
    return ops.mean(ops.power(ops.abs(y_pred - y_true) + 1e-6, 0.75), axis=-1)
