# case: a Cauchy-Schwarz divergence loss for Keras written with math.log on tensor sums: a float without gradient, a TypeError under fit
# source: keras-team/keras#15253
# expect: LL502:12
# style: training-script
from math import log

import keras
from keras import ops


def cs_divergence(y_true, y_pred, eps=1e-7):
    return -log(ops.sum(y_true * y_pred) + eps) + 0.5 * log(ops.sum(y_true**2) * ops.sum(y_pred**2) + eps)


def build_classifier(num_classes=3):
    model = keras.Sequential([keras.layers.Dense(16, activation="relu"), keras.layers.Dense(num_classes, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(1e-4, momentum=0.9), loss=cs_divergence, metrics=["accuracy"])
    return model
