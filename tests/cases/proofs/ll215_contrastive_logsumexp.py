from tests.cases.proofs._support import assert_healthy, load, torch_loss_and_grads
from tests.cases.proofs.ll215_contrastive_low_temperature import DOCS, QUERIES


def prove(path):
    loss_fn = load(path).InBatchContrastiveLoss(temperature=0.01)
    loss, grads = torch_loss_and_grads(loss_fn, QUERIES, DOCS)
    assert_healthy(loss, *grads)
