# case: a multi-label head compiled with a lambda taking (logits, labels): Keras calls it with the labels as the logits
# source: realistic
# expect: LL602:12
# style: training-script
import keras


def build_tagger(num_tags=5):
    model = keras.Sequential([keras.layers.Dense(32, activation="relu"), keras.layers.Dense(num_tags)])
    model.compile(
        optimizer="adam",
        loss=lambda logits, labels: keras.ops.mean(
            keras.ops.binary_crossentropy(labels, logits, from_logits=True), axis=-1
        ),
    )
    return model
