from tests.cases.proofs._support import assert_nonfinite, run_script, torch_loss_and_grads


def prove(path):
    loss_fn = run_script(path)["angular_loss"]
    # One prediction exactly parallel to its target (cosine 1), one not.
    loss, (grad, _) = torch_loss_and_grads(loss_fn, [[2.0, 0.0, 0.0], [0.2, 0.5, 0.1]], [[1.0, 0.0, 0.0], [0.3, 0.3, 0.9]], grad=(0,))
    assert_nonfinite(grad)
