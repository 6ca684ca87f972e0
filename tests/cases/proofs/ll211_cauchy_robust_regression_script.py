import numpy as np

from tests.cases.proofs._support import assert_finite, run_script, torch_loss_and_grads


def prove(path):
    scope = run_script(path)
    assert_finite(scope["loss"].detach().numpy(), what="the training loss")
    # Residuals of 1e-5 (r / c = 2e-5): (r / c)^2 = 4e-10 vanishes next to 1, so log(1 + 4e-10) is
    # exactly 0 in float32 although the Cauchy loss of these residuals is 4e-10 (float64 reference).
    target = np.array([[0.3], [-1.2], [2.0]], dtype=np.float32)
    pred = target + np.float32(1e-5)
    loss, _ = torch_loss_and_grads(scope["cauchy_loss"], pred, target, grad=(0,))
    r = (pred.astype(np.float64) - target) / scope["SCALE"]
    reference = np.log1p(r ** 2).mean()
    assert reference > 1e-10
    assert float(loss) == 0.0, "the loss of non-zero residuals should have rounded to exactly 0"
