# case: a sparsemax layer written as an nn.Module with a hand-written backward(): autograd never calls it
# source: KrisKorrel/sparsemax-pytorch#5
# expect: LL601:23
import torch
import torch.nn as nn


class Sparsemax(nn.Module):
    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, logits):
        z = logits.transpose(self.dim, -1)
        z_sorted, _ = torch.sort(z, dim=-1, descending=True)
        ranks = torch.arange(1, z.shape[-1] + 1, dtype=z.dtype, device=z.device)
        support = (1 + ranks * z_sorted) > torch.cumsum(z_sorted, dim=-1)
        k = support.sum(dim=-1, keepdim=True)
        tau = (torch.gather(torch.cumsum(z_sorted, dim=-1), -1, k - 1) - 1) / k.to(z.dtype)
        self.output = torch.clamp(z - tau, min=0).transpose(self.dim, -1)
        return self.output

    def backward(self, grad_output):
        nonzero = (self.output > 0).to(grad_output.dtype)
        mean_grad = (grad_output * nonzero).sum(self.dim, keepdim=True) / nonzero.sum(self.dim, keepdim=True)
        return nonzero * (grad_output - mean_grad)

