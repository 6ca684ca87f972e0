import numpy as np

from tests.cases.proofs._support import load, tf_loss_and_grads

LABELS = np.array([[1.0, 0.0, 0.0, 1.0, 0.0]], dtype="float32")
LOGITS = np.array([[6.0, -6.0, -5.0, 7.0, -8.0]], dtype="float32")  # a confident, correct prediction


def prove(path):
    loss = load(path).build_tagger().loss
    meant, _ = tf_loss_and_grads(loss, LOGITS, LABELS)
    called, _ = tf_loss_and_grads(loss, LABELS, LOGITS)  # Keras: loss(y_true, y_pred)
    assert meant < 0.01
    # In Keras' order the 0/1 labels are read as logits and the logits as targets: a cross-entropy
    # below zero, which training drives further down instead of towards the labels.
    assert called < 0
