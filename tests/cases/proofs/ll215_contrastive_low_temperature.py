import numpy as np

from tests.cases.proofs._support import assert_nonfinite, load, torch_loss_and_grads

# Two query/document pairs; each query's own document has cosine similarity ~0.95 (score 95 at tau = 0.01).
QUERIES = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], dtype=np.float32)
DOCS = np.array([[0.95, 0.3122, 0.0], [0.0, 0.95, 0.3122]], dtype=np.float32)


def prove(path):
    loss_fn = load(path).InBatchContrastiveLoss(temperature=0.01)
    loss, (g_query, g_doc) = torch_loss_and_grads(loss_fn, QUERIES, DOCS)
    assert_nonfinite(loss, g_query, g_doc)
