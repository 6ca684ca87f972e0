# case: a binary focal loss as a keras.losses.Loss subclass that keeps the batch axis (mean over the last axis only)
# source: realistic
# expect: none
# near: LL402
import keras
from keras import ops


class BinaryFocalLoss(keras.losses.Loss):
    def __init__(self, gamma=2.0, name="binary_focal"):
        super().__init__(name=name)
        self.gamma = gamma

    def call(self, y_true, y_pred):
        bce = keras.losses.binary_crossentropy(y_true[..., None], y_pred[..., None], from_logits=True)
        p = ops.sigmoid(y_pred)
        p_t = y_true * p + (1 - y_true) * (1 - p)
        return ops.mean(ops.power(1 - p_t, self.gamma) * bce, axis=-1)
