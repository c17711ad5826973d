import torch
import torch.nn.functional as F
from torch import nn

from dropout_lib.costs import saved_bytes, side_by_side


def test_saved_bytes_counts_each_storage_once_and_skips_excluded_ones():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 2))
    x = torch.randn(10, 8)
    # the first Linear keeps x; the ReLU's output is kept by the ReLU and by the second Linear: once
    assert saved_bytes(model, x, exclude=model.parameters()) == 4 * (10 * 8 + 10 * 16)
    # counted: the second weight, for the gradient of the ReLU's output (x needs none, so the first is not kept)
    assert saved_bytes(model, x) == 4 * (10 * 8 + 10 * 16 + 2 * 16)
    assert saved_bytes(lambda t: F.dropout(t, 0.5), x.requires_grad_()) == 4 * 80
    assert saved_bytes(lambda t: F.dropout(t.double(), 0.5), x) == 8 * 80
    with torch.no_grad():
        assert saved_bytes(model, x) == 0


def test_side_by_side_reports_ratios_to_the_first_function():
    calls = []
    timed = side_by_side({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, rounds=4, calls=2)
    assert calls == ["a", "b"] + ["a", "a", "b", "b"] * 4  # one untimed call each, then alternating rounds
    assert timed["a"]["ratio"] == timed["a"]["ratio_low"] == timed["a"]["ratio_high"] == 1.0
    assert timed["b"]["ratio_low"] <= timed["b"]["ratio"] <= timed["b"]["ratio_high"]
    assert timed["b"]["median_s"] > 0
