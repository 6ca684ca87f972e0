import re

from losslint.rules.ll501_numpy_on_tensor import NumpyOnTensor


class MathOnTensor(NumpyOnTensor):
    """LL502: a ``math`` function applied to a tensor in loss code."""

    code = "LL502"
    name = "math-module-on-tensor"
    summary = "math-module function on a tensor in loss code: the gradient stops there"
    trigger = re.compile(rb"\bmath\.")
    source = "math"
