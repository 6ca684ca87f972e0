"""Guards and contexts the analysis recognises, each found as a false alarm on real code."""

from tests.conftest import lint


def codes(code: str) -> list[str]:
    return [d.code for d in lint(code)]


def test_no_gradient_inside_no_grad_blocks():
    body = """
        import torch

        def tuplet_loss(cos):
            {context}
                angles = torch.acos(cos)
            return angles.mean()
    """
    assert codes(body.format(context="with torch.no_grad():")) == []
    assert codes(body.format(context="if True:")) == ["LL205"]


def test_no_grad_decorator():
    assert codes("""
        import torch

        @torch.no_grad()
        def stats_loss(d):
            return torch.sqrt(d).mean()
    """) == []


def test_product_of_eps_guarded_sums_is_guarded():
    assert codes("""
        import torch

        def mcc_loss(y_pred, y_true, eps=1e-5):
            tp = torch.sum(y_pred * y_true) + eps
            fp = torch.sum(y_pred * (1 - y_true)) + eps
            fn = torch.sum((1 - y_pred) * y_true) + eps
            return torch.sqrt(torch.add(tp, fp) * torch.add(tp, fn))
    """) == []


def test_clamp_to_exactly_one_still_reaches_the_pole():
    assert codes("""
        import torch

        def angle_loss(cos):
            return torch.acos(torch.clamp(cos, -1, 1)).mean()
    """) == ["LL205"]
