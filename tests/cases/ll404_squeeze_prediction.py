# case: a Dense(1) model fitted on 1-D labels whose custom Huber loss squeezes the prediction's last axis first
# source: realistic
# expect: none
# near: LL404
import keras
import numpy as np


def huber(y_true, y_pred, delta=1.0):
    y_pred = keras.ops.squeeze(y_pred, axis=-1)
    error = keras.ops.abs(y_true - y_pred)
    return keras.ops.where(error <= delta, 0.5 * error**2, delta * (error - 0.5 * delta))


x, y = np.random.rand(64, 3).astype("float32"), np.random.rand(64).astype("float32")
model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss=huber)
if __name__ == "__main__":
    model.fit(x, y, verbose=0)
