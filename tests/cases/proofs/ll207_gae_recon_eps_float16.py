import torch

from tests.cases.proofs._support import assert_finite, assert_nonfinite, load


def prove(path):
    case = load(path)
    assert torch.tensor(case.EPS, dtype=torch.float16) == 0  # the guard is gone in float16
    # Node embeddings whose positive pair is confidently apart and negative pair confidently linked.
    z = torch.tensor([[8.0, 0.0], [-8.0, 0.0], [8.0, 1.0], [8.0, 1.0]], requires_grad=True)
    pos, neg = torch.tensor([[0], [1]]), torch.tensor([[2], [3]])
    assert_finite(case.recon_loss(z, pos, neg).detach().numpy(), what="the float32 loss")
    z16 = z.detach().half().requires_grad_()
    loss = case.recon_loss(z16, pos, neg)
    assert_nonfinite(loss.detach().float().numpy(), what="the float16 loss")
