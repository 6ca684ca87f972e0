# case: a Keras loss that weights a false positive on class 5 by 10 with a Python conditional expression and `and` on the label and prediction tensors: Python cannot decide on a batch of values, eagerly or in fit's graph
# source: keras-team/keras#13156
# expect: LL104:11
# style: training-script
from tensorflow import keras
from tensorflow.keras import backend as K


def false_positive_weighted_loss(y_true, y_pred):
    # penalize the model extra for predicting class 5 when it is absent
    wt = 10.0 if (y_true[:, 5] == 0 and y_pred[:, 5] > 0.5) else 1.0
    return wt * K.mean(K.binary_crossentropy(y_true, y_pred), axis=-1)


def build_tagger(n_features=10, n_classes=8):
    model = keras.Sequential([keras.Input((n_features,)), keras.layers.Dense(n_classes, activation="sigmoid")])
    model.compile(optimizer="adam", loss=false_positive_weighted_loss)
    return model
