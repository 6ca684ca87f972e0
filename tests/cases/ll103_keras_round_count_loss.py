# case: a count regression whose Keras loss rounds the prediction first (K.round): round has no gradient in TensorFlow, so fit fails with "None values not supported" / "No gradients provided"
# source: keras-team/keras#4175
# expect: LL103:10
# style: training-script
from tensorflow import keras
from tensorflow.keras import backend as K


def rounded_count_loss(y_true, y_pred):
    return K.mean(K.square(K.round(y_pred) - y_true), axis=-1)


def build_counter(n_features=6):
    model = keras.Sequential([keras.Input((n_features,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss=rounded_count_loss)
    return model
