# case: TF2 style-transfer loop with style weight 1e-2 and content weight 1e4 (the tutorial's values): weights 1e6 apart, the style term barely moves the image
# source: realistic
# expect: LL301:28
# style: training-script
import numpy as np
import tensorflow as tf

STYLE_WEIGHT = 1e-2
CONTENT_WEIGHT = 1e4
N_PIXELS = 64

rng = np.random.RandomState(0)
kernel = tf.constant(rng.randn(3, 3, 3, 4).astype(np.float32) * 0.3)


def extract_features(image):
    return tf.reshape(tf.nn.conv2d(image, kernel, strides=1, padding="SAME"), [-1, 4])


def gram_matrix(features):
    return tf.matmul(features, features, transpose_a=True) / N_PIXELS


def style_content_loss(image, style_targets, content_targets):
    features = extract_features(image)
    style_loss = tf.reduce_mean(tf.square(gram_matrix(features) - style_targets))
    content_loss = tf.reduce_mean(tf.square(features - content_targets))
    return STYLE_WEIGHT * style_loss + CONTENT_WEIGHT * content_loss


content_image = tf.constant(rng.rand(1, 8, 8, 3).astype(np.float32))
style_image = tf.constant(rng.rand(1, 8, 8, 3).astype(np.float32))
style_targets = gram_matrix(extract_features(style_image))
content_targets = extract_features(content_image)
image = tf.Variable(content_image + 0.1 * rng.randn(1, 8, 8, 3).astype(np.float32))
for step in range(5):
    with tf.GradientTape() as tape:
        loss = style_content_loss(image, style_targets, content_targets)
    image.assign_sub(1e-6 * tape.gradient(loss, image))
