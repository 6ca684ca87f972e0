from tests.cases.proofs._support import assert_nonfinite, load, torch_loss_and_grads


def prove(path):
    module = load(path)
    likelihood = module.GaussianLikelihood(noise=1e-8)
    raw = likelihood.raw_noise.detach().numpy()
    assert_nonfinite(raw, what="the raw noise parameter")
    assert float(likelihood.noise.detach()) == 0.0, "softplus(-inf) should give a noise of exactly 0"
    value, (grad,) = torch_loss_and_grads(module.inv_softplus, [1e-8])
    assert_nonfinite(value, grad)
