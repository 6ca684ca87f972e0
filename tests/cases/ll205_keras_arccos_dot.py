# case: a Keras loss on unit direction vectors that takes ops.arccos of their dot product: a perfect prediction (dot 1), or one rounded past 1, has an infinite or NaN gradient
# source: realistic
# expect: LL205:11
# style: training-script
import keras
from keras import ops


def direction_angle_loss(y_true, y_pred):
    cos = ops.sum(y_true * y_pred, axis=-1)
    return ops.arccos(cos)


def build_direction_model(n_features=6):
    inputs = keras.Input((n_features,))
    direction = keras.layers.UnitNormalization()(keras.layers.Dense(3)(inputs))
    model = keras.Model(inputs, direction)
    model.compile(optimizer="adam", loss=direction_angle_loss)
    return model
