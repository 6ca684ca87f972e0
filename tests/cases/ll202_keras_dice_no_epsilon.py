# case: a Keras dice loss without an epsilon in the denominator: a tile with an empty mask and an all-background prediction gives 0 / 0, and one such batch makes the loss NaN
# source: nasa/delta#115
# expect: LL202:12
# style: training-script
from tensorflow import keras
from tensorflow.keras import backend as K


def dice_coef(y_true, y_pred):
    intersection = K.sum(y_true * y_pred, axis=-1)
    union = K.sum(y_true, axis=-1) + K.sum(y_pred, axis=-1)
    return (2.0 * intersection) / union


def dice_loss(y_true, y_pred):
    return 1.0 - dice_coef(y_true, y_pred)


def build_segmenter(n_pixels=16):
    model = keras.Sequential([keras.Input((n_pixels,)), keras.layers.Dense(n_pixels, activation="sigmoid")])
    model.compile(optimizer="adam", loss=dice_loss)
    return model
