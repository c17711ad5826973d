import pytest
import torch
import torch.nn.functional as F
from torch import nn

from dropout_lib.spatial import SpatialDropout1d, SpatialDropout2d, SpatialDropout3d, channel_mask_shape, spatial_dropout
from tests.lib.stats import assert_fraction

TORCH_LAYERS = {3: nn.Dropout1d, 4: nn.Dropout2d, 5: nn.Dropout3d}
OURS = {3: SpatialDropout1d, 4: SpatialDropout2d, 5: SpatialDropout3d}
SHAPES = {3: (8, 6, 7), 4: (8, 6, 5, 4), 5: (4, 6, 3, 4, 2)}


@pytest.mark.parametrize("ndim", [3, 4, 5])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16])
@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_equals_pytorch_bit_for_bit_given_its_mask(ndim, dtype, p):
    x = (torch.rand(SHAPES[ndim], dtype=torch.float64) + 0.5).to(dtype)
    y = TORCH_LAYERS[ndim](p)(x)
    mask = y.flatten(2)[..., :1].reshape(channel_mask_shape(x)) != 0
    assert torch.equal(spatial_dropout(x, p, mask=mask), y)
    assert torch.equal(OURS[ndim](p).eval()(x), x)


@pytest.mark.parametrize("ndim", [3, 4, 5])
def test_whole_channels_dropped_at_rate_p_like_pytorch(ndim):
    p, n, c = 0.3, 4000, 16
    x = torch.ones(n, c, *([3] * (ndim - 2)), dtype=torch.float64)
    for y in (OURS[ndim](p)(x), TORCH_LAYERS[ndim](p)(x)):
        flat = y.flatten(2)
        # every feature map is all zeros or all 1/(1-p): which elements are dropped together
        assert ((flat == 0).all(-1) | (flat == 1 / (1 - p)).all(-1)).all()
        assert_fraction((flat[..., 0] == 0).double().mean().item(), p, n * c, "channel drop fraction")


def test_channels_of_a_sample_are_independent():
    p, n = 0.5, 50_000
    y = spatial_dropout(torch.ones(n, 2, 4, dtype=torch.float64), p)
    both = ((y[:, 0, 0] == 0) & (y[:, 1, 0] == 0)).double().mean().item()
    assert_fraction(both, 0.25, n, "both channels dropped")


def test_gradcheck_with_fixed_mask():
    x = torch.randn(3, 4, 5, dtype=torch.float64, requires_grad=True)
    mask = torch.rand(3, 4, 1) > 0.5
    assert torch.autograd.gradcheck(lambda t: spatial_dropout(t, 0.5, mask=mask), (x,))


def test_edge_cases():
    x = torch.randn(2, 3, 4, 4)
    before = x.clone()
    assert spatial_dropout(x, 0.0) is x
    assert spatial_dropout(x, 0.5, training=False) is x
    assert torch.equal(spatial_dropout(x, 1.0), torch.zeros_like(x))
    assert not spatial_dropout(x, 1.0).isnan().any()
    y = spatial_dropout(x.double(), 0.5)
    assert y.dtype == torch.float64 and torch.equal(x, before)


def test_too_few_dimensions_rejected():
    with pytest.raises(ValueError, match=r"spatial_dropout expects an input of shape \(N, C, \*spatial\)"):
        spatial_dropout(torch.ones(4, 5), 0.5)


@pytest.mark.parametrize("layer, bad, wanted", [
    (SpatialDropout1d, (2,), r"a 2-D or 3-D input of shape \(C, L\) or \(N, C, L\)"),
    (SpatialDropout1d, (2, 3, 4, 5), r"a 2-D or 3-D input"),
    (SpatialDropout2d, (2, 3, 4), r"a 4-D input of shape \(N, C, H, W\)"),
    (SpatialDropout2d, (1, 2, 3, 4, 5), r"a 4-D input"),
    (SpatialDropout3d, (2, 3, 4), r"a 4-D or 5-D input of shape \(C, D, H, W\) or \(N, C, D, H, W\)"),
])
def test_module_wrong_rank_rejected(layer, bad, wanted):
    with pytest.raises(ValueError, match=f"{layer.__name__} expects {wanted}.*, but got a {len(bad)}-D input"):
        layer(0.5)(torch.ones(bad))


def test_bad_rate_rejected():
    with pytest.raises(ValueError, match="between 0 and 1"):
        SpatialDropout2d(1.01)


def test_inplace_writes_the_same_result_into_the_input():
    x = torch.randn(4, 3, 5, 5, dtype=torch.float64)
    mask = torch.rand(4, 3, 1, 1) > 0.5
    expected = spatial_dropout(x, 0.5, mask=mask)
    assert spatial_dropout(x, 0.5, True, True, mask=mask) is x and torch.equal(x, expected)
    layer = SpatialDropout2d(0.5, inplace=True)
    assert layer(x) is x and repr(layer) == "SpatialDropout2d(p=0.5, inplace=True)"


@pytest.mark.parametrize("layer, shape", [(SpatialDropout1d, (6, 7)), (SpatialDropout3d, (6, 3, 4, 2))])
def test_unbatched_input_is_one_sample_like_pytorch(layer, shape):
    x = torch.rand(shape, dtype=torch.float64) + 0.5
    y = layer(0.5)(x, generator=torch.Generator().manual_seed(3))
    assert y.shape == x.shape == TORCH_LAYERS[len(shape) + 1](0.5)(x).shape  # PyTorch accepts the same shape
    assert torch.equal(y, layer(0.5)(x.unsqueeze(0), generator=torch.Generator().manual_seed(3)).squeeze(0))
    flat = y.flatten(1)  # whole channels of the one sample
    assert ((flat == 0).all(-1) | (flat != 0).all(-1)).all() and (flat == 0).any() and (flat != 0).any()
