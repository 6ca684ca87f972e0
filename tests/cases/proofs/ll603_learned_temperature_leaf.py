from tests.cases.proofs._support import assert_healthy, run_script


def prove(path):
    scope = run_script(path)
    log_t = scope["log_temperature"]
    loss = scope["closure"]()
    assert_healthy(loss.detach().numpy(), log_t.grad.numpy())
    assert log_t.item() != 0.0  # the temperature was fitted
