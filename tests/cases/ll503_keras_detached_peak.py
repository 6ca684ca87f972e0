# case: the peak-normalised Keras loss with the peak kept as a tensor behind stop_gradient: a visible, graph-safe constant
# source: realistic
# expect: none
# near: LL503
from keras import ops


def peak_normalised_mse(y_true, y_pred):
    peak = ops.stop_gradient(ops.max(ops.abs(y_pred))) + 1e-6
    return ops.mean(ops.square(y_true - y_pred), axis=-1) / peak
