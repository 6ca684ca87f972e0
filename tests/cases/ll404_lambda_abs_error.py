# case: a Dense(1) model on one feature with a lambda L1 loss, fitted on labels made with np.random.rand(80): the loss compares all 80 x 80 pairs
# source: keras-team/keras#16836
# expect: LL404:11
# style: training-script
import keras
import numpy as np

x = np.concatenate((np.zeros((40, 1)), np.ones((40, 1))))
y_true = np.random.rand(80) * 100
model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
model.compile(optimizer="sgd", loss=lambda y_true, y_pred: keras.ops.mean(keras.ops.abs(y_true - y_pred), axis=-1))
if __name__ == "__main__":
    model.fit(x, y_true, epochs=1, verbose=0)
