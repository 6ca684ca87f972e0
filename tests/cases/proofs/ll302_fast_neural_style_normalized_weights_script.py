from tests.cases.proofs._support import assert_finite, assert_healthy, run_script
from tests.cases.proofs.ll302_fast_neural_style_weights_script import half_inputs


def prove(path):
    scope = run_script(path)
    assert_finite(scope["total_loss"].detach().numpy(), what="the float32 training loss")
    inputs = half_inputs()
    loss = scope["perceptual_loss"](*inputs)
    loss.backward()
    assert_healthy(loss.detach().float().numpy(), inputs[0].grad.float().numpy(), inputs[2].grad.float().numpy())
