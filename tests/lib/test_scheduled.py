import math
from functools import partial

import pytest
import torch

from dropout_lib.scheduled import ScheduledDropout, curriculum_rate, linear_ramp
from tests.lib.stats import assert_fraction


def test_linear_ramp_values():
    assert [linear_ramp(s, 10, 0.1, 0.5) for s in (0, 5, 10, 20)] == pytest.approx([0.1, 0.3, 0.5, 0.5])


def test_curriculum_rate_matches_morerio():
    theta, gamma = 0.5, 1e-3
    for t in (0, 100, 1000, 10_000):
        keep = (1 - theta) * math.exp(-gamma * t) + theta
        assert curriculum_rate(t, gamma, theta) == pytest.approx(1 - keep)
    assert curriculum_rate(0) == 0.0
    assert curriculum_rate(10**7, 1e-3, 0.75) == pytest.approx(0.25)


def test_layer_follows_schedule():
    layer = ScheduledDropout(partial(linear_ramp, total_steps=4, start_p=0.0, end_p=0.8))
    x = torch.ones(100_000)
    assert torch.equal(layer(x), x)
    for _ in range(2):
        layer.step()
    assert layer.p == pytest.approx(0.4)
    assert_fraction((layer(x) == 0).float().mean().item(), 0.4, x.numel())


def test_bad_schedule_values_rejected():
    with pytest.raises(ValueError, match="between 0 and 1"):
        ScheduledDropout(lambda step: 1.5)
    with pytest.raises(ValueError, match="total_steps must be positive"):
        linear_ramp(1, 0)
    with pytest.raises(ValueError, match="step must be non-negative"):
        curriculum_rate(-1)
