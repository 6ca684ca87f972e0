import numpy as np

from tests.cases.proofs._support import assert_healthy, run_script, torch_loss_and_grads
from tests.cases.proofs.ll403_rnn_policy_out_masks import episode


def prove(path):
    loss_fn = run_script(path)["masked_l1_loss"]
    # The inputs whose loss a plain mean scales with padding: here the value does not move.
    pred_s, target_s, mask_s = episode(3)
    pred_l, target_l, mask_l = episode(12)
    short, (g_short, _, _) = torch_loss_and_grads(loss_fn, pred_s, target_s, mask_s, grad=(0,))
    long, (g_long, _, _) = torch_loss_and_grads(loss_fn, pred_l, target_l, mask_l, grad=(0,))
    assert_healthy(short, g_short)
    assert_healthy(long, g_long[:, :3])
    assert np.isclose(short, long)
    # An empty mask gives 0, not NaN.
    empty, (g_empty, _, _) = torch_loss_and_grads(loss_fn, pred_s, target_s, np.zeros_like(mask_s), grad=(0,))
    assert empty == 0.0 and np.isfinite(g_empty).all()
