# case: a Keras loss turns a Python list of class weights into a tensor with convert_to_tensor; the prediction is used as it is
# source: realistic
# expect: none
# near: LL504
import keras

CLASS_WEIGHTS = [1.0, 2.0, 0.5]


def weighted_squared_error(y_true, y_pred):
    weights = keras.ops.convert_to_tensor(CLASS_WEIGHTS)
    return keras.ops.mean(weights * keras.ops.square(y_true - y_pred), axis=-1)
