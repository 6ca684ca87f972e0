"""losslint: a static analyzer and fixer for loss code in PyTorch, TensorFlow and Keras."""

__version__ = "0.2.0"
