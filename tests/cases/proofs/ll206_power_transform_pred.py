from tests.cases.proofs._support import assert_nonfinite, load, torch_loss_and_grads


def prove(path):
    loss_fn = load(path).power_transform_loss
    # Raw outputs of an untrained head, one of them below -1 (the report's -1.4266).
    loss, (grad, _) = torch_loss_and_grads(loss_fn, [-1.4266, -0.2079, 0.0182, 1.1049], [0.0, -0.2, 0.0, 0.8], grad=(0,))
    assert_nonfinite(loss, grad)
