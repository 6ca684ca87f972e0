# case: a Keras ArcFace loss on cosine logits that takes sin = sqrt(1 - cos^2) with no clip: at a cosine of exactly 1 the gradient is NaN, which the report fixed with K.clip(1 - cos^2, K.epsilon(), 1)
# source: ktjonsson/keras-ArcFace#2
# expect: LL203:13
# style: training-script
import math

import tensorflow as tf
from tensorflow import keras


def arcface_loss(y_true, y_pred, s=64.0, m=0.5):
    cos_t = y_pred
    sin_t = tf.sqrt(tf.subtract(1.0, tf.square(cos_t)))
    cos_mt = s * (cos_t * math.cos(m) - sin_t * math.sin(m))
    logits = y_true * cos_mt + (1.0 - y_true) * s * cos_t
    return tf.nn.softmax_cross_entropy_with_logits(labels=y_true, logits=logits)


def build_face_model(n_features=8, n_ids=4):
    inputs = keras.Input((n_features,))
    emb = keras.layers.UnitNormalization()(keras.layers.Dense(16)(inputs))
    cosine = keras.layers.Dense(n_ids, use_bias=False, kernel_constraint=keras.constraints.UnitNorm(axis=0))(emb)
    model = keras.Model(inputs, cosine)
    model.compile(optimizer="adam", loss=arcface_loss)
    return model
