from tests.cases.proofs._support import assert_gradient, assert_no_gradient, run_script


def prove(path):
    scope = run_script(path)
    distiller = scope["distiller"]
    # The student learns, the temperature gets no gradient and never moves.
    assert_gradient(distiller.student.weight.grad.numpy(), what="the student's gradient")
    assert_no_gradient(distiller.log_temperature.grad, what="the temperature's gradient")
    assert distiller.log_temperature.item() == scope["start_temperature"]
