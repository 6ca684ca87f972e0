from tests.cases.proofs._support import assert_nonfinite, load, tf_loss_and_grads


def prove(path):
    case = load(path)
    case.build_direction_model()
    loss, (_, grad) = tf_loss_and_grads(case.direction_angle_loss, [[1.0, 0.0, 0.0]], [[1.0, 0.0, 0.0]], grad=(1,))
    assert_nonfinite(grad)
