import numpy as np

from tests.cases.proofs._support import assert_healthy
from tests.cases.proofs._support_cases3 import assert_scaled_by_padding, tf1_evaluate

RNG = np.random.RandomState(1)
OUTPUTS = RNG.randn(2, 6, 5)
TARGETS = RNG.randint(0, 8, (2, 6))


def one_sequence(scope):
    # one real sequence of length 3: a batch of itself
    return {scope["decoder_outputs"]: OUTPUTS[:1], scope["target_ids"]: TARGETS[:1], scope["target_lengths"]: [3]}


def with_empty_row(scope):
    # the same sequence next to a row that is all padding (length 0)
    return {scope["decoder_outputs"]: OUTPUTS, scope["target_ids"]: TARGETS, scope["target_lengths"]: [3, 0]}


def prove(path):
    alone, padded = tf1_evaluate(path, "cost", [one_sequence, with_empty_row])
    assert_healthy(alone)
    # The same three target tokens: one extra padded row halves the cost (and its gradient).
    assert_scaled_by_padding(alone, padded, 2.0)
