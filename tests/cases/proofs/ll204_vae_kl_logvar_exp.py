from tests.cases.proofs._support import assert_healthy, load, torch_loss_and_grads


def prove(path):
    loss_fn = load(path).vae_loss
    loss, grads = torch_loss_and_grads(
        loss_fn, [[2.0, -1.0, 0.5]], [[1.0, 0.0, 1.0]], [[12.0, -3.0]], [[4.0, -6.0]], grad=(0, 2, 3)
    )
    assert_healthy(loss, grads[0], grads[2], grads[3])
