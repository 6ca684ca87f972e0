from tests.cases.proofs._support import assert_healthy, load, torch_loss_and_grads


def prove(path):
    criterion = load(path).GuardedBCELoss()
    loss, (grad, _) = torch_loss_and_grads(criterion, [1.0, 0.3], [0.0, 1.0], grad=(0,))
    assert_healthy(loss, grad)
