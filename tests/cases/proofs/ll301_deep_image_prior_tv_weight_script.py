from tests.cases.proofs._support import assert_finite, grad_norm_ratio, run_script
from tests.cases.proofs._support_cases2 import torch_term_grad_norms

WEIGHT_RATIO = 1e4  # the rule's default bound


def prove(path):
    scope = run_script(path)
    assert_finite(scope["total_loss"].detach().numpy(), what="the training loss")
    net, out = scope["net"], scope["net"](scope["net_input"])
    params = list(net.parameters())
    data_term = scope["mse"](out, scope["img"])
    tv_term = scope["TV_WEIGHT"] * scope["tv_loss"](out)
    norms = torch_term_grad_norms([data_term, tv_term], params)
    assert min(norms) > 0
    assert grad_norm_ratio(norms) > WEIGHT_RATIO, norms
