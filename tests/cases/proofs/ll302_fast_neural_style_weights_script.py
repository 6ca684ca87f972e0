import torch

from tests.cases.proofs._support import assert_finite, assert_nonfinite, run_script


def half_inputs():
    """Features and Gram matrices of a small batch, as a float16 (mixed-precision) run holds them."""
    g = torch.Generator().manual_seed(0)
    features_y = torch.rand(2, 4, 8, 8, generator=g)
    features_x = features_y + 0.1 * torch.rand(2, 4, 8, 8, generator=g)
    gram_y = torch.rand(2, 4, 4, generator=g) * 0.1
    gram_style = gram_y + 0.05
    return [t.half().requires_grad_() for t in (features_y, features_x, gram_y, gram_style)]


def prove(path):
    scope = run_script(path)
    assert_finite(scope["total_loss"].detach().numpy(), what="the float32 training loss")
    loss = scope["perceptual_loss"](*half_inputs())
    # 1e10 is not even representable in float16 (max 65504): the weighted style term is inf.
    assert_nonfinite(loss.detach().float().numpy(), what="the float16 loss")
