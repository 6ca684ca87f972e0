from tests.cases.proofs._support import assert_no_gradient, load, tf_loss_and_grads

Y_TRUE = [[1.0, 1.0, 0.0, 0.0]]
Y_PRED = [[0.4, 0.7, 0.6, 0.1]]  # a bad prediction: the dice is far from 0


def prove(path):
    case = load(path)
    loss, (_, grad) = tf_loss_and_grads(case.hard_dice_loss, Y_TRUE, Y_PRED, grad=(1,))
    assert float(loss) > 0.3, loss
    assert_no_gradient(grad)
