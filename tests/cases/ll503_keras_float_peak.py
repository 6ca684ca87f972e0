# case: a Keras loss normalised by float() of the prediction's peak: the peak is a Python number eagerly and a TypeError under fit
# source: realistic
# expect: LL503:9
# style: training-script
from keras import Sequential, layers, ops


def peak_normalised_mse(y_true, y_pred):
    peak = float(ops.max(ops.abs(y_pred)))
    return ops.mean(ops.square(y_true - y_pred), axis=-1) / (peak + 1e-6)


def build_denoiser(width=4):
    model = Sequential([layers.Dense(16, activation="relu"), layers.Dense(width)])
    model.compile(optimizer="adam", loss=peak_normalised_mse)
    return model
