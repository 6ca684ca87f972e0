# case: a waveform loss that divides the predicted signal by the overlap-added window only where the window is not ~0, using torch.where: the division is still evaluated where the window is 0, and its infinite gradient becomes NaN, so the model stops learning
# source: pytorch/pytorch#96110
# expect: LL102:11
import torch


def waveform_loss(pred_wav, target_wav, wsq_ola, eps=1e-8):
    wsq_ola = wsq_ola.expand_as(pred_wav)
    min_mask = wsq_ola.abs() < eps
    # normalize by the window envelope where it is not (nearly) zero
    wav = torch.where(min_mask, pred_wav, pred_wav / wsq_ola)
    return (wav - target_wav).abs().mean()
