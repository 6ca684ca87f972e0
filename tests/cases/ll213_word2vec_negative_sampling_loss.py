# case: word2vec negative-sampling loss module: .sigmoid().log() of the context and of the noise dot products is -inf once a dot product passes ~90 in magnitude
# source: udacity/deep-learning-v2-pytorch#199
# expect: LL213:14, LL213:16
import torch
import torch.nn as nn


class NegativeSamplingLoss(nn.Module):
    def forward(self, input_vectors, output_vectors, noise_vectors):
        batch_size, embed_size = input_vectors.shape
        input_vectors = input_vectors.view(batch_size, embed_size, 1)
        output_vectors = output_vectors.view(batch_size, 1, embed_size)
        # log-sigmoid of the context word's score and of the negated noise scores
        out_loss = torch.bmm(output_vectors, input_vectors).sigmoid().log()
        out_loss = out_loss.squeeze()
        noise_loss = torch.bmm(noise_vectors.neg(), input_vectors).sigmoid().log()
        noise_loss = noise_loss.squeeze().sum(1)
        return -(out_loss + noise_loss).mean()
