import torch
import torch.nn.functional as F

from tests.cases.proofs._support import assert_finite, grad_norm_ratio, load
from tests.cases.proofs._support_cases2 import torch_term_grad_norms
from tests.cases.proofs.ll301_deep_image_prior_tv_weight_script import WEIGHT_RATIO


def prove(path):
    module = load(path)
    torch.manual_seed(0)
    model = module.SparseAutoencoder()
    x = torch.randn(32, 20)
    recon, codes = model(x)
    assert_finite(module.sparse_ae_loss(x, recon, codes).detach().numpy())
    params = list(model.encoder.parameters())
    norms = torch_term_grad_norms([F.mse_loss(recon, x), module.L1_COEF * codes.abs().mean()], params)
    assert min(norms) > 0
    assert grad_norm_ratio(norms) > WEIGHT_RATIO, norms
