import math
from functools import partial

import pytest
import torch

from dropout_lib.scheduled import ScheduledDropout, curriculum_rate, linear_ramp
from tests.lib.stats import assert_fraction


def test_linear_ramp_values():
    assert [linear_ramp(s, 10, 0.1, 0.5) for s in (0, 5, 10, 20)] == pytest.approx([0.1, 0.3, 0.5, 0.5])
    assert [linear_ramp(s, 4, 0.8, 0.0) for s in (0, 1, 4)] == pytest.approx([0.8, 0.6, 0.0])  # ramps down too
    assert linear_ramp(3, 4) == pytest.approx(0.375)  # defaults 0.0 -> 0.5


def test_curriculum_rate_matches_morerio():
    theta, gamma = 0.5, 1e-3
    for t in (0, 100, 1000, 10_000):
        keep = (1 - theta) * math.exp(-gamma * t) + theta
        assert curriculum_rate(t, gamma, theta) == pytest.approx(1 - keep, rel=1e-12, abs=1e-15)
    assert curriculum_rate(0) == 0.0
    assert curriculum_rate(1000) == pytest.approx(0.5 * (1 - math.exp(-1)))  # defaults gamma=1e-3, final_keep=0.5
    assert curriculum_rate(10**7, 1e-3, 0.75) == pytest.approx(0.25)  # tends to 1 - theta
    assert curriculum_rate(500, 0.0, 0.9) == 0.0


def test_layer_rate_moves_with_step_and_it_drops_at_that_rate():
    layer = ScheduledDropout(partial(linear_ramp, total_steps=4, start_p=0.0, end_p=0.8))
    x = torch.ones(100_000)
    assert layer.p == 0.0 and layer(x) is x
    for expected in (0.2, 0.4, 0.6, 0.8, 0.8):
        layer.step()
        assert layer.p == pytest.approx(expected)
        y = layer(x)
        assert_fraction((y == 0).double().mean().item(), expected, x.numel(), f"drop fraction at p={expected}")
        assert torch.allclose(y[y != 0], torch.tensor(1 / (1 - expected)))  # inverted scaling at the current rate
    assert layer.steps_taken == 5 and layer.eval()(x) is x


def test_curriculum_layer_and_generator():
    layer = ScheduledDropout(partial(curriculum_rate, gamma=1e-3, final_keep=0.5))
    for _ in range(1000):
        layer.step()
    assert layer.p == pytest.approx(0.5 * (1 - math.exp(-1)))
    x = torch.randn(50)
    y1 = layer(x, generator=torch.Generator().manual_seed(1))
    assert torch.equal(y1, layer(x, generator=torch.Generator().manual_seed(1)))


def test_step_count_saved_and_restored_with_the_state_dict():
    schedule = partial(linear_ramp, total_steps=10, end_p=0.5)
    layer = ScheduledDropout(schedule)
    for _ in range(3):
        layer.step()
    resumed = ScheduledDropout(schedule)
    resumed.load_state_dict(layer.state_dict())
    assert resumed.steps_taken == 3 and resumed.p == pytest.approx(0.15)
    assert repr(resumed) == "ScheduledDropout(p=0.15, steps_taken=3)"


def test_bad_schedules_and_arguments_rejected():
    with pytest.raises(ValueError, match=r"schedule\(0\) has to be between 0 and 1, but got 1.5"):
        ScheduledDropout(lambda step: 1.5)
    layer = ScheduledDropout(lambda step: 0.5 * step)
    layer.step(), layer.step()
    with pytest.raises(ValueError, match=r"schedule\(3\) has to be between 0 and 1, but got 1.5"):
        layer.step()
    assert layer.steps_taken == 2 and layer.p == 1.0  # a rejected step leaves the layer as it was
    with pytest.raises(TypeError, match="schedule must be a function from a step to a rate, but got float"):
        ScheduledDropout(0.5)
    with pytest.raises(ValueError, match="total_steps must be positive, but got 0"):
        linear_ramp(1, 0)
    with pytest.raises(ValueError, match="step must be non-negative, but got -1"):
        curriculum_rate(-1)
    with pytest.raises(ValueError, match="gamma must be non-negative, but got -0.1"):
        curriculum_rate(1, gamma=-0.1)
    with pytest.raises(ValueError, match="between 0 and 1, but got 2"):
        curriculum_rate(1, final_keep=2)
