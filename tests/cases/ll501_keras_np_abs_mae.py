# case: a Keras MAE written with np.abs: eager calls return a numpy constant with no gradient, and fit (graph mode) fails
# source: realistic
# expect: LL501:10
# style: training-script
import keras
import numpy as np


def mae_loss(y_true, y_pred):
    return keras.ops.mean(np.abs(y_true - y_pred), axis=-1)


def build_model():
    model = keras.Sequential([keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss=mae_loss)
    return model
