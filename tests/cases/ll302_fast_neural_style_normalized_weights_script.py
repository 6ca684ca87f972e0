# case: the same fast-neural-style loop with the terms normalised and weights 1 and 10: float16 keeps the loss finite
# source: pytorch/examples#927
# expect: none
# near: LL302, LL301
# style: training-script
import torch
import torch.nn as nn
import torch.nn.functional as F

CONTENT_WEIGHT = 1.0
STYLE_WEIGHT = 10.0


def gram_matrix(y):
    b, ch, h, w = y.size()
    features = y.view(b, ch, w * h)
    return features.bmm(features.transpose(1, 2)) / (ch * h * w)


def perceptual_loss(features_y, features_x, gram_y, gram_style):
    content_loss = F.mse_loss(features_y, features_x)
    style_loss = F.mse_loss(gram_y, gram_style)
    return CONTENT_WEIGHT * content_loss + STYLE_WEIGHT * style_loss


torch.manual_seed(0)
transformer = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 3, 3, padding=1))
vgg = nn.Conv2d(3, 4, 3, padding=1).requires_grad_(False)
style = torch.rand(1, 3, 16, 16)
gram_style = gram_matrix(vgg(style))
optimizer = torch.optim.Adam(transformer.parameters(), lr=1e-3)
for batch_id in range(5):
    x = torch.rand(2, 3, 16, 16)
    optimizer.zero_grad()
    y = transformer(x)
    features_y, features_x = vgg(y), vgg(x)
    total_loss = perceptual_loss(features_y, features_x, gram_matrix(features_y), gram_style.expand(2, -1, -1))
    total_loss.backward()
    optimizer.step()
