"""One finding per problem: the specific fused-form finding replaces the generic one it covers."""

from tests.conftest import lint


def test_softplus_finding_replaces_exp_overflow_inside_it():
    found = lint("""
        import torch

        def pair_loss(a, b):
            return torch.log(1 + torch.exp(a * b)).mean()
    """)
    assert [d.code for d in found] == ["LL216"]


def test_exp_overflow_alone_is_still_reported():
    found = lint("""
        import torch

        def pair_loss(a: torch.Tensor, b: torch.Tensor):
            return torch.exp(a * b).mean()
    """)
    assert [d.code for d in found] == ["LL204"]


def test_margin_with_labels_is_not_a_product_of_predictions():
    assert lint("""
        import torch

        def exponential_loss(y_pred, y_true):
            return torch.exp(-y_true * y_pred).mean()
    """) == []


def test_swallowed_eps_is_ll207_not_ll201():
    found = lint("""
        import torch

        def bce_loss(prob, target):
            return -((1 - target) * torch.log(1e-10 + 1 - prob)).mean()
    """)
    assert [d.code for d in found] == ["LL207"]
