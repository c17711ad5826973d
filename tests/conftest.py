import pytest
import torch

# The tests use small tensors: extra threads only add waiting, and on a busy 2-core machine a lot of it.
torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def _seeded():
    """Every test starts from the same global generator state, so statistical bounds are checked at fixed seeds."""
    torch.manual_seed(0)
    yield
