import pytest
import torch

from tests.cases.proofs._support import load


def prove(path):
    case = load(path)
    torch.manual_seed(0)
    model = case.make_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    images = torch.rand(2, 3, 8, 8)
    masks = (torch.rand(2, 1, 8, 8) > 0.5).float()
    with pytest.raises(RuntimeError, match="only for scalar outputs"):
        case.train_step(model, optimizer, images, masks)
