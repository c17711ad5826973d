import pytest
import torch
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint

from dropout_lib.costs import saved_bytes
from dropout_lib.dropout import Dropout, apply_keep_mask, dropout
from dropout_lib.seeded import draw_seed, dropout_from_seed, keep_mask_from_seed, scale_by_mask
from dropout_lib.spatial import SpatialDropout2d, channel_mask_shape, spatial_dropout
from tests.lib.stats import assert_fraction

DTYPES = [torch.float16, torch.bfloat16, torch.float32, torch.float64]
BITS = {torch.float16: torch.int16, torch.bfloat16: torch.int16, torch.float32: torch.int32, torch.float64: torch.int64}


def same_bits(a, b):
    """Equal to the last bit, the sign of zeros included (``torch.equal`` takes -0.0 for 0.0)."""
    return a.dtype == b.dtype and a.shape == b.shape and torch.equal(a.view(BITS[a.dtype]), b.view(BITS[b.dtype]))


def generator(seed=0):
    return torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("p", [0.05, 0.3, 0.5, 0.9])
def test_mask_keeps_each_element_with_probability_one_minus_p(p):
    n = 400_001  # odd: the last element takes half of a 64-bit word
    keep = keep_mask_from_seed((n,), p, seed=3)
    assert keep.dtype == torch.bool and keep.shape == (n,)
    assert_fraction(keep.double().mean().item(), 1 - p, n, "keep fraction")
    # the two 32-bit halves of one 64-bit word, and neighbouring words, are independent
    pairs = keep[: n - 1].reshape(-1, 2)
    assert_fraction((pairs[:, 0] & pairs[:, 1]).double().mean().item(), (1 - p) ** 2, n // 2, "both halves kept")
    odd = keep[1 : n - 2].reshape(-1, 2)
    assert_fraction((odd[:, 0] & odd[:, 1]).double().mean().item(), (1 - p) ** 2, n // 2, "neighbours kept")


def test_a_tie_of_the_top_byte_is_decided_by_the_low_bits():
    # t = 1.5 * 2**24: a byte of 0 keeps, a byte of 1 ties and keeps when its 24 more bits are below 2**23, so the
    # keep rate is 1.5/256; deciding ties always "drop" would give 1/256, always "keep" 2/256 (50 standard errors)
    n = 4_000_000
    p = 1 - 1.5 / 256
    assert_fraction(keep_mask_from_seed((n,), p, seed=5).double().mean().item(), 1.5 / 256, n, "keep fraction")


def test_a_mask_with_ties_is_a_prefix_of_a_longer_mask_of_the_same_seed():
    short = keep_mask_from_seed((100_003,), 0.3, seed=17)  # about 390 ties, decided by words drawn further on
    assert torch.equal(short, keep_mask_from_seed((250_000,), 0.3, seed=17)[:100_003])


def test_mask_is_a_function_of_the_seed():
    a = keep_mask_from_seed((64, 33), 0.5, seed=2**125 + 11)
    assert torch.equal(a, keep_mask_from_seed((64, 33), 0.5, seed=2**125 + 11))
    assert not torch.equal(a, keep_mask_from_seed((64, 33), 0.5, seed=2**125 + 12))
    # a prefix of a longer mask of the same seed: the mask does not depend on the shape but on the element count
    assert torch.equal(a.flatten(), keep_mask_from_seed((64 * 33 + 5,), 0.5, seed=2**125 + 11)[:-5])
    assert keep_mask_from_seed((3, 4), 0.0, seed=1).all() and not keep_mask_from_seed((3, 4), 1.0, seed=1).any()
    assert keep_mask_from_seed((0, 4), 0.5, seed=1).shape == (0, 4)


def test_seed_comes_from_the_torch_generator():
    assert draw_seed(generator(5)) == draw_seed(generator(5)) != draw_seed(generator(6))
    torch.manual_seed(1)
    first = draw_seed()
    torch.manual_seed(1)
    assert draw_seed() == first and 0 <= first < 2**128


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("p", [0.1, 0.3, 0.5, 0.7, 0.9])
def test_fast_scaling_equals_pytorchs_order_of_operations_to_the_bit(dtype, p):
    x = torch.randn(4096, dtype=torch.float64).to(dtype)  # negative values too: -0.0 where dropped
    keep = keep_mask_from_seed(x.shape, p, seed=9)
    assert same_bits(scale_by_mask(x, keep, p), apply_keep_mask(x, keep, p))
    assert same_bits(dropout_from_seed(x, p, seed=9), apply_keep_mask(x, keep, p))


def test_dropout_draws_the_mask_of_its_generators_seed():
    x = torch.randn(50, 40)
    keep = keep_mask_from_seed(x.shape, 0.3, draw_seed(generator(4)))
    assert same_bits(dropout(x, 0.3, generator=generator(4)), apply_keep_mask(x, keep, 0.3))
    y = spatial_dropout(x.reshape(5, 10, 40), 0.3, generator=generator(4))
    channel_keep = keep_mask_from_seed((5, 10, 1), 0.3, draw_seed(generator(4)))
    assert same_bits(y, apply_keep_mask(x.reshape(5, 10, 40), channel_keep, 0.3))


def run_both(fn, x, grad):
    """Output, input gradient and double-backward gradient of ``fn(x, lean)`` for lean=False and lean=True."""
    results = []
    for lean in (False, True):
        leaf = x.detach().clone().requires_grad_()
        grad_out = grad.detach().clone().requires_grad_()
        y = fn(leaf, lean)
        (grad_in,) = torch.autograd.grad(y, leaf, grad_out, create_graph=True)
        (second,) = torch.autograd.grad(grad_in, grad_out, grad)  # dropout of `grad` with the same mask
        results.append((y.detach(), grad_in.detach(), second))
    return results


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_lean_and_mask_saving_dropout_are_bit_identical(dtype, p):
    x, grad = torch.randn(2, 300, 17).to(dtype), torch.randn(2, 300, 17).to(dtype)
    (y, g, gg), (y_lean, g_lean, gg_lean) = run_both(lambda t, lean: dropout(t, p, generator=generator(7), lean=lean),
                                                     x, grad)
    keep = keep_mask_from_seed(x.shape, p, draw_seed(generator(7)))
    assert same_bits(y, y_lean) and same_bits(y, apply_keep_mask(x, keep, p))
    assert same_bits(g, g_lean) and same_bits(g, apply_keep_mask(grad, keep, p))
    assert same_bits(gg, gg_lean) and same_bits(gg, g)


@pytest.mark.parametrize("p", [0.2, 0.5])
def test_lean_and_mask_saving_spatial_dropout_are_bit_identical(p):
    x, grad = torch.randn(4, 6, 5, 3), torch.randn(4, 6, 5, 3)
    (y, g, gg), (y_lean, g_lean, gg_lean) = run_both(
        lambda t, lean: spatial_dropout(t, p, generator=generator(2), lean=lean), x, grad)
    keep = keep_mask_from_seed(channel_mask_shape(x), p, draw_seed(generator(2)))
    assert same_bits(y, y_lean) and same_bits(y, apply_keep_mask(x, keep, p))
    assert same_bits(g, g_lean) and same_bits(gg, gg_lean) and same_bits(g, apply_keep_mask(grad, keep, p))
    flat = y.flatten(2)
    assert ((flat == 0).all(-1) | (flat != 0).all(-1)).all()  # whole channels


@pytest.mark.parametrize("lean", [False, True])
def test_gradcheck_and_gradgradcheck_with_a_seeded_generator(lean):
    # every call draws the same mask; a backward that drew another mask would fail the check
    x = torch.randn(6, 5, dtype=torch.float64, requires_grad=True)
    fn = lambda t: dropout(t, 0.4, generator=generator(1), lean=lean)  # noqa: E731
    assert torch.autograd.gradcheck(fn, (x,))
    assert torch.autograd.gradgradcheck(fn, (x,))
    maps = torch.randn(2, 3, 4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: spatial_dropout(t, 0.5, generator=generator(1), lean=lean), (maps,))


@pytest.mark.parametrize("use_reentrant", [False, True])
def test_lean_dropout_under_activation_checkpointing(use_reentrant):
    w = torch.randn(20, 20, dtype=torch.float64)

    def block(t):
        return torch.tanh(dropout(t @ w, 0.5, lean=True)) @ w

    grads = []
    for wrapped in (block, lambda t: checkpoint(block, t, use_reentrant=use_reentrant)):
        x = torch.randn(8, 20, dtype=torch.float64, generator=generator(0)).requires_grad_()
        torch.manual_seed(11)
        wrapped(x).square().sum().backward()
        grads.append(x.grad)
    assert same_bits(grads[0], grads[1])


def test_saved_bytes_per_element():
    x = torch.randn(1000, 64, requires_grad=True)
    assert saved_bytes(lambda t: dropout(t, 0.5, lean=True), x) == 0
    assert saved_bytes(lambda t: spatial_dropout(t.reshape(10, 100, 64), 0.5, lean=True), x) == 0
    assert saved_bytes(lambda t: dropout(t, 0.5), x) == x.numel()  # the boolean mask: 1 byte per element
    assert saved_bytes(lambda t: F.dropout(t, 0.5), x) == 4 * x.numel()  # PyTorch keeps float32 noise on CPU
    assert saved_bytes(lambda t: Dropout(0.5, lean=True)(t), x) == 0
    assert saved_bytes(lambda t: SpatialDropout2d(0.5, lean=True)(t.reshape(10, 100, 8, 8)), x) == 0
    assert "lean=True" in repr(Dropout(0.5, lean=True))


def test_lean_dropout_drops_at_rate_p_and_zeroes_at_p_one():
    n, p = 200_000, 0.3
    y = dropout(torch.ones(n, dtype=torch.float64), p, lean=True)
    assert_fraction((y == 0).double().mean().item(), p, n, "drop fraction")
    assert torch.equal(y[y != 0], torch.full_like(y[y != 0], 1 / (1 - p)))
    x = torch.randn(10, requires_grad=True)
    z = dropout(x, 1.0, lean=True)
    z.sum().backward()
    assert torch.equal(z, torch.zeros(10)) and torch.equal(x.grad, torch.zeros(10))
