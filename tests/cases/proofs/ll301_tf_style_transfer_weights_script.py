import tensorflow as tf

from tests.cases.proofs._support import assert_finite, grad_norm_ratio, run_script
from tests.cases.proofs._support_cases2 import tf_term_grad_norms
from tests.cases.proofs.ll301_deep_image_prior_tv_weight_script import WEIGHT_RATIO


def prove(path):
    scope = run_script(path)
    assert_finite(scope["loss"].numpy(), what="the training loss")
    image = scope["image"]
    extract, gram = scope["extract_features"], scope["gram_matrix"]

    def style_term():
        return scope["STYLE_WEIGHT"] * tf.reduce_mean(tf.square(gram(extract(image)) - scope["style_targets"]))

    def content_term():
        return scope["CONTENT_WEIGHT"] * tf.reduce_mean(tf.square(extract(image) - scope["content_targets"]))

    norms = tf_term_grad_norms([style_term, content_term], [image])
    assert min(norms) > 0
    assert grad_norm_ratio(norms) > WEIGHT_RATIO, norms
