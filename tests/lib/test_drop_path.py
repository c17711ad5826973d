import pytest
import torch

from dropout_lib.drop_path import DropPath, drop_path, drop_path_rates, sample_mask_shape
from tests.lib.stats import assert_fraction


def test_whole_samples_dropped_at_rate_p():
    p, n = 0.3, 100_000
    y = drop_path(torch.ones(n, 3, 2, dtype=torch.float64), p, training=True)
    flat = y.flatten(1)
    assert ((flat == 0).all(1) | (flat == 1 / (1 - p)).all(1)).all()
    assert_fraction((flat[:, 0] == 0).double().mean().item(), p, n, "sample drop fraction")


def test_scale_by_keep_false_leaves_kept_samples_unscaled():
    y = drop_path(torch.ones(1000, 4), 0.5, training=True, scale_by_keep=False)
    assert set(y.unique().tolist()) == {0.0, 1.0}


def test_given_mask_matches_timm_semantics():
    x = torch.randn(4, 5, 6, dtype=torch.float64, requires_grad=True)
    mask = torch.tensor([1.0, 0.0, 1.0, 1.0], dtype=torch.float64).reshape(sample_mask_shape(x))
    y = drop_path(x, 0.25, training=True, mask=mask)
    assert torch.equal(y, x * (mask / 0.75))  # timm divides the mask, then multiplies
    assert torch.autograd.gradcheck(lambda t: drop_path(t, 0.25, True, mask=mask), (x,))


def test_identity_by_default_in_eval_and_at_p_zero():
    x = torch.randn(3, 4)
    assert drop_path(x, 0.5) is x  # training defaults to False, as in timm
    assert drop_path(x, 0.0, training=True) is x
    assert torch.equal(DropPath(0.5).eval()(x), x)
    assert torch.equal(drop_path(x, 1.0, training=True), torch.zeros_like(x))
    assert not drop_path(x, 1.0, training=True).isnan().any()


def test_module_trains_by_default():
    y = DropPath(0.5)(torch.ones(10_000, 2))
    assert_fraction((y[:, 0] == 0).float().mean().item(), 0.5, 10_000)


def test_rates_follow_the_linear_rule():
    assert drop_path_rates(1, 0.3) == [0.0]
    rates = drop_path_rates(12, 0.1)
    assert rates == pytest.approx(torch.linspace(0, 0.1, 12).tolist(), abs=1e-7)
    assert rates[0] == 0.0 and rates[-1] == pytest.approx(0.1)
    assert all(isinstance(r, float) for r in rates)


@pytest.mark.parametrize("depth", [0, -1, 2.5, True])
def test_bad_depth_rejected(depth):
    with pytest.raises(ValueError, match="depth must be a positive integer"):
        drop_path_rates(depth, 0.1)


def test_bad_rate_rejected():
    with pytest.raises(ValueError, match="between 0 and 1"):
        drop_path_rates(4, 1.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        DropPath(-0.1)
