# case: SSD confidence loss with log_sum_exp shifted by each row's own maximum (the fix in the report): finite however far a row lies below the others
# source: amdegroot/ssd.pytorch#483
# expect: none
# near: LL215
import torch


def log_sum_exp(x):
    x_max, _ = torch.max(x, dim=1, keepdim=True)
    return torch.log(torch.sum(torch.exp(x - x_max), 1, keepdim=True)) + x_max


def confidence_loss(batch_conf, conf_t):
    loss_c = log_sum_exp(batch_conf) - batch_conf.gather(1, conf_t.view(-1, 1))
    return loss_c.sum()
