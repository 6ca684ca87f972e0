# case: a hand-written Huber loss with keras.ops, compiled at module level: ops.mean without an axis returns one number per batch
# source: realistic
# expect: LL402:13
import keras
from keras import ops


def huber_loss(y_true, y_pred, delta=1.0):
    error = y_true - y_pred
    small = ops.abs(error) <= delta
    squared = 0.5 * ops.square(error)
    linear = delta * (ops.abs(error) - 0.5 * delta)
    return ops.mean(ops.where(small, squared, linear))


model = keras.Sequential([keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2)])
model.compile(optimizer="adam", loss=huber_loss)
