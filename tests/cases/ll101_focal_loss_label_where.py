# case: binary focal loss whose tf.where conditions are on the labels (pick p or 1 - p per class), with the probabilities clipped: no gate on the prediction
# source: umbertogriffo/focal-loss-keras#3
# expect: none
# near: LL101
import tensorflow as tf
from tensorflow.keras import backend as K


def binary_focal_loss(gamma=2.0, alpha=0.25):
    def binary_focal_loss_fixed(y_true, y_pred):
        pt_1 = tf.where(tf.equal(y_true, 1.0), y_pred, tf.ones_like(y_pred))
        pt_0 = tf.where(tf.equal(y_true, 0.0), y_pred, tf.zeros_like(y_pred))
        eps = K.epsilon()
        pt_1 = K.clip(pt_1, eps, 1.0 - eps)
        pt_0 = K.clip(pt_0, eps, 1.0 - eps)
        pos = alpha * K.pow(1.0 - pt_1, gamma) * K.log(pt_1)
        neg = (1.0 - alpha) * K.pow(pt_0, gamma) * K.log(1.0 - pt_0)
        return -K.mean(pos + neg, axis=-1)

    return binary_focal_loss_fixed
