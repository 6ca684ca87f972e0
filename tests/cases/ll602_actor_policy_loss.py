# case: an actor-critic actor compiled with policy_loss(self, y_pred, y_true): Keras passes the labels first, so the log is taken of the baseline's zeros
# source: keras-team/keras#5733
# expect: LL602:18, LL201:19
# style: training-script
import keras
from keras import ops


class Actor:
    def __init__(self, state_size=4, action_size=2):
        self.model = keras.Sequential([
            keras.Input((state_size,)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(action_size, activation="softmax"),
        ])
        self.model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=self.policy_loss)

    def policy_loss(self, y_pred, y_true):
        return -ops.sum(ops.log(y_pred) * y_true, axis=-1)
