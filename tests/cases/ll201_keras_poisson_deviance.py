# case: a Keras Poisson deviance for rare-event counts: the prediction is floored, but y_true * log(y_true) takes log(0) for every zero count, and 0 * -inf is NaN
# source: keras-team/keras#12703
# expect: LL201:12
# style: training-script
from tensorflow import keras
from tensorflow.keras import backend as K


def poisson_deviance_loss(y_true, y_pred):
    y_pred = K.maximum(y_pred, K.epsilon())  # make sure y_pred is positive
    return 2.0 * K.mean(
        y_true * K.log(y_true) - y_true * K.log(y_pred) - y_true + y_pred,
        axis=-1,
    )


def build_claims_model(n_features=5):
    model = keras.Sequential([keras.Input((n_features,)), keras.layers.Dense(1, activation="exponential")])
    model.compile(optimizer="adam", loss=poisson_deviance_loss)
    return model
