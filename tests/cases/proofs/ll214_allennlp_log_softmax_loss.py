from tests.cases.proofs._support import assert_healthy
from tests.cases.proofs.ll214_allennlp_label_probs_loss import run


def prove(path):
    loss, (grad, _) = run(path)
    assert_healthy(loss, grad)
