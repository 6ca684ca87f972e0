# case: a YOLO-style grid loss copies y_pred into np.array to reshape it: the copy has no gradient and fails on symbolic tensors
# source: keras-team/keras#10602
# expect: LL504:12
# style: training-script
import keras
import numpy as np

GRID, BOXES = 7, 5


def grid_loss(y_true, y_pred, coord_weight=5.0, noobj_weight=0.1):
    cells = keras.ops.convert_to_tensor(np.array(y_pred).reshape((-1, GRID, GRID, BOXES)))
    target = keras.ops.reshape(y_true, (-1, GRID, GRID, BOXES))
    has_object = target[..., 4:5]
    coord = keras.ops.sum(has_object * keras.ops.square(cells[..., :4] - target[..., :4]), axis=(1, 2, 3))
    confidence = keras.ops.square(cells[..., 4] - target[..., 4])
    noobj = keras.ops.sum((1.0 - target[..., 4]) * confidence, axis=(1, 2))
    obj = keras.ops.sum(target[..., 4] * confidence, axis=(1, 2))
    return coord_weight * coord + obj + noobj_weight * noobj


def build_detector():
    model = keras.Sequential([keras.layers.Dense(64, activation="relu"), keras.layers.Dense(GRID * GRID * BOXES)])
    model.compile(optimizer="adam", loss=grid_loss)
    return model
