# case: a Keras loss exp(err^2) - 1 written with ops.expm1: expm1 overflows at the same point as exp, an error of about 9.4
# source: realistic
# expect: LL204:10
# style: training-script
import keras
from keras import ops


def exp_squared_loss(y_true, y_pred):
    return ops.mean(ops.expm1(ops.square(y_true - y_pred)), axis=-1)


def build_model(n_features=3):
    model = keras.Sequential([keras.Input((n_features,)), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss=exp_squared_loss)
    return model
