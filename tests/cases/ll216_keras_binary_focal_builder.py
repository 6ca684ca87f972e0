# case: Keras builder compiling a binary focal loss on -1/+1 labels with log1p(exp(-margin)): a confidently wrong margin overflows exp and the loss is inf
# source: neoml-lib/neoml#459
# expect: LL216:16
# style: training-script
import keras
import numpy as np
from keras import ops

GAMMA = 2.0


def binary_focal_loss(y_true, y_pred):
    # y_true holds -1 / +1 labels, y_pred raw scores
    margin = y_true * y_pred
    p = ops.sigmoid(margin)
    return ops.mean(ops.power(1.0 - p, GAMMA) * ops.log1p(ops.exp(-margin)), axis=-1)


def build_model():
    inputs = keras.Input(shape=(6,))
    scores = keras.layers.Dense(1)(inputs)
    model = keras.Model(inputs, scores)
    model.compile(optimizer="adam", loss=binary_focal_loss)
    return model


if __name__ == "__main__":
    model = build_model()
    x = np.random.randn(16, 6).astype("float32")
    y = np.sign(x[:, :1]).astype("float32")
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
