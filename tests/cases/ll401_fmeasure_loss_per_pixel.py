# case: a saliency F-measure loss returns one value per pixel; the training step calls backward() on it directly
# source: zeakey/iccv2019-fmeasure#1
# expect: LL401:19
import torch
import torch.nn as nn


def f_measure_loss(pred, target, beta2=0.3, eps=1e-6):
    tp = pred * target
    precision_term = tp / (pred + eps)
    recall_term = tp / (target + eps)
    return 1 - (1 + beta2) * precision_term * recall_term / (beta2 * precision_term + recall_term + eps)


def train_step(model, optimizer, images, masks):
    optimizer.zero_grad()
    pred = torch.sigmoid(model(images))
    loss = f_measure_loss(pred, masks)
    loss.backward()
    optimizer.step()
    return loss


def make_model():
    return nn.Conv2d(3, 1, kernel_size=3, padding=1)
