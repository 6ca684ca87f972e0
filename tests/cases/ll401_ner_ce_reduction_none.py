# case: token-level NER head trained with nn.CrossEntropyLoss(reduction="none"): the per-token loss is never reduced before backward()
# source: z814081807/DeepNER#19
# expect: LL401:29
# style: training-script
import torch
import torch.nn as nn

torch.manual_seed(0)
NUM_TAGS = 5


class TokenTagger(nn.Module):
    def __init__(self, vocab=50, dim=16):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.head = nn.Linear(dim, NUM_TAGS)

    def forward(self, tokens):
        return self.head(self.embed(tokens))


model = TokenTagger()
criterion = nn.CrossEntropyLoss(reduction="none")
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for step in range(3):
    tokens, tags = torch.randint(0, 50, (4, 7)), torch.randint(0, NUM_TAGS, (4, 7))
    optimizer.zero_grad()
    loss = criterion(model(tokens).view(-1, NUM_TAGS), tags.view(-1))
    loss.backward()
    optimizer.step()
