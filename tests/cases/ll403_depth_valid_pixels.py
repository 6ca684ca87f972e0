# case: a depth regressor's masked L1 loss: pixels without ground truth are zeroed but still counted in the mean
# source: realistic
# expect: LL403:11
# style: training-script
import keras
from keras import ops


def masked_depth_l1(y_true, y_pred):
    valid = ops.cast(y_true > 0, "float32")
    return ops.mean(ops.abs(y_true - y_pred) * valid, axis=-1)


def build_depth_model(pixels=16):
    inputs = keras.Input((pixels, 3))
    x = keras.layers.Dense(8, activation="relu")(inputs)
    depth = keras.layers.Reshape((pixels,))(keras.layers.Dense(1, activation="softplus")(x))
    model = keras.Model(inputs, depth)
    model.compile(optimizer="adam", loss=masked_depth_l1)
    return model
