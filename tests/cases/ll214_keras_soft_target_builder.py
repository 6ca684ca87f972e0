# case: Keras builder compiling a label-smoothed soft-target cross-entropy written log(softmax(logits)): a logit gap above ~104 is log(0) on a smoothed class, an inf loss
# source: realistic
# expect: LL214:15
# style: training-script
import keras
import numpy as np
from keras import ops

NUM_CLASSES = 5
SMOOTHING = 0.1


def soft_target_cross_entropy(y_true, y_pred):
    soft = y_true * (1.0 - SMOOTHING) + SMOOTHING / NUM_CLASSES
    return -ops.sum(soft * ops.log(ops.softmax(y_pred, axis=-1)), axis=-1)


def build_model():
    inputs = keras.Input(shape=(8,))
    logits = keras.layers.Dense(NUM_CLASSES)(inputs)
    model = keras.Model(inputs, logits)
    model.compile(optimizer="adam", loss=soft_target_cross_entropy)
    return model


if __name__ == "__main__":
    model = build_model()
    x = np.random.rand(16, 8).astype("float32")
    y = np.eye(NUM_CLASSES, dtype="float32")[np.random.randint(0, NUM_CLASSES, 16)]
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
