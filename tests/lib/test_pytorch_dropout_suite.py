"""PyTorch's own dropout tests (``test/nn/test_dropout.py``), rewritten for this library's layers.

Each test below makes the checks of the PyTorch test of the same name, with the library's class in place of
PyTorch's (``Dropout`` for ``nn.Dropout``, ``SpatialDropout1d/2d/3d`` for ``nn.Dropout1d/2d/3d``, ``AlphaDropout``
and ``FeatureAlphaDropout``), on the CPU, with fixed seeds and fixed sizes where PyTorch draws them at random (larger where PyTorch's bounds would be
within two standard errors).
Where the library deliberately differs, the test checks the library's behaviour and says so; every difference is
also in the class's docstring and in the README's API table:

- wrong ranks: ``nn.Dropout1d`` raises ``RuntimeError`` ("Expected 2D or 3D input"); ``nn.Dropout2d/3d`` only warn
  and go on. The library raises ``ValueError`` naming the shapes it accepts, and ``SpatialDropout2d`` refuses the
  3-D input that ``nn.Dropout2d`` treats as batched 1-D dropout (pytorch issue #77081).
"""

from contextlib import contextmanager
from itertools import permutations

import pytest
import torch

from dropout_lib import (AlphaDropout, Dropout, FeatureAlphaDropout, SpatialDropout1d, SpatialDropout2d,
                         SpatialDropout3d, dropout)


@contextmanager
def same_random_state():
    """Run the block, then put the global generator back where it was (PyTorch's ``freeze_rng_state``)."""
    state = torch.get_rng_state()
    try:
        yield
    finally:
        torch.set_rng_state(state)


@pytest.fixture(autouse=True)
def seeded():
    torch.manual_seed(0)


# --- TestDropoutNN ---------------------------------------------------------------------------------------------

def check_alpha_dropout(cls, x):
    mean, std = x.mean(), x.std()
    for p in (0.2, 0.5, 0.8):
        inp = x.detach().clone().requires_grad_()
        out = cls(p)(inp)
        assert abs(out.detach().mean() - mean) < 0.1  # alpha dropout keeps the mean ...
        assert abs(out.detach().std() - std) < 0.1  # ... and the standard deviation
        out.backward(x)
        assert inp.grad is not None and inp.grad.shape == x.shape


def test_AlphaDropout():
    check_alpha_dropout(AlphaDropout, torch.randn(5000))


@pytest.mark.parametrize("b, d, w, h", [(2, 1, 2, 2), (3, 2, 4, 5), (5, 2, 5, 5)])
def test_FeatureAlphaDropout(b, d, w, h):
    check_alpha_dropout(FeatureAlphaDropout, torch.randn(1000, b, d, w, h))


def test_FeatureAlphaDropout_no_batch_dims():
    check_alpha_dropout(FeatureAlphaDropout, torch.randn(50, 20, 64, 64))


@pytest.mark.parametrize("train", [True, False])
@pytest.mark.parametrize("p", [0.0, 1.0])
def test_dropout_corner_cases_match_torch_dropout(train, p):
    # test_native_dropout_corner_case, on the CPU: outputs and gradients at p = 0 and p = 1
    x = torch.randn(5, requires_grad=True)
    x_ref = x.detach().requires_grad_()
    out, ref = dropout(x, p, train), torch.dropout(x_ref, p, train)
    out.sum().backward()
    ref.sum().backward()
    assert torch.equal(out, ref) and torch.equal(x.grad, x_ref.grad)


@pytest.mark.parametrize("cls", [Dropout, SpatialDropout1d, SpatialDropout2d, SpatialDropout3d, AlphaDropout,
                                 FeatureAlphaDropout])
@pytest.mark.parametrize("p", [-0.1, 1.1])
def test_invalid_dropout_p(cls, p):
    with pytest.raises(ValueError):
        cls(p)
    with pytest.raises(ValueError):
        dropout(torch.ones(1), p)


# --- TestDropoutNNDeviceType -----------------------------------------------------------------------------------

def check_dropout(cls, x, memory_format=torch.contiguous_format):
    p = 0.2
    x = x.fill_(1 - p)
    for inplace in (False, True):
        module = cls(p, inplace)
        inp = x.clone(memory_format=memory_format).requires_grad_()
        out = module(inp + 0 if inplace else inp)  # in place needs a non-leaf
        assert out.is_contiguous(memory_format=memory_format)
        assert abs(out.detach().mean() - (1 - p)) < 0.05
        out.backward(x)
        assert inp.grad.is_contiguous(memory_format=memory_format)
        assert abs(inp.grad.mean() - (1 - p)) < 0.05
    for inplace in (True, False):  # evaluation mode changes nothing
        module = cls(p, inplace).eval()
        assert torch.equal(module(x), x)
    assert f"p={p}, inplace=False" in repr(cls(p)) and str(module)


def check_dropout_discontiguous(cls, memory_format=torch.contiguous_format):
    # the layout and the data survive a strided input, at p = 0 and at p close to 0 (pytorch issue #47176)
    for p in (0.0, 1e-10):
        inp = torch.ones(2, 3, 3, 3)
        discontiguous = torch.empty(2, 3, 3, 6, memory_format=memory_format)[..., ::2]
        discontiguous.copy_(inp)
        out = cls(p=p)(discontiguous)
        if p != 0:  # p = 0 returns the input itself, with its strides
            assert out.is_contiguous(memory_format=memory_format)
        assert torch.equal(discontiguous, out)


def check_dropout_stride_mean_preserve(cls):
    def invert(perm):
        where = {axis: i for i, axis in enumerate(perm)}
        return tuple(where[axis] for axis in range(4))

    inp = torch.ones(2, 3, 4, 5)
    for perm in permutations(range(4)):
        for shift in ((0, 0), (1, 0), (0, 1), (1, 1)):
            for p in (1e-10, 0.3, 0.5, 0.7):
                permuted = inp.permute(perm).contiguous().permute(invert(perm))[shift[0]:, shift[1]:]
                out = cls(p=p)(permuted)
                assert out.permute(perm).is_contiguous()
                torch.testing.assert_close(out.mean(), inp.mean(), rtol=0.5, atol=0.5)
                assert torch.equal(permuted, out) == (p == 1e-10)


def test_Dropout():
    check_dropout(Dropout, torch.empty(1000))
    check_dropout_discontiguous(Dropout)
    check_dropout_discontiguous(Dropout, memory_format=torch.channels_last)
    check_dropout_stride_mean_preserve(Dropout)
    check_dropout(Dropout, torch.empty(1000).bfloat16())


def check_no_batch(module, x):
    unbatched = x.clone()
    with same_random_state():
        alone = module(unbatched)
    batched = module(x.clone().unsqueeze(0)).squeeze(0)
    assert torch.equal(alone, batched)


def check_channel_zero(module, x):
    # each channel of an all-positive input is all kept or all dropped
    out = module(x)
    per_channel = out.flatten(2).count_nonzero(dim=2)
    assert ((per_channel == 0) | (per_channel == x[0, 0].numel())).all()


def test_Dropout1d():
    # PyTorch draws N and C from 10 to 15, for which its bound of 0.05 on the mean is 1.5 standard errors of
    # 1 - p; with 40 x 40 channels it is 5
    check_dropout(SpatialDropout1d, torch.empty(40, 40, 14, dtype=torch.float64))
    for bad in ((1, 2, 2, 2), (2,)):
        with pytest.raises(ValueError, match=rf"SpatialDropout1d expects a 2-D or 3-D input .* {len(bad)}-D input"):
            SpatialDropout1d(p=0.5)(torch.rand(bad))  # PyTorch: RuntimeError, "Expected 2D or 3D input"
    for inplace in (False, True):
        check_no_batch(SpatialDropout1d(p=0.5, inplace=inplace), torch.rand(50, 2))
        check_channel_zero(SpatialDropout1d(p=0.5, inplace=inplace), torch.ones(10, 4, 2))


@pytest.mark.parametrize("b, w, h", [(1, 1, 1), (3, 4, 5), (5, 5, 5)])
def test_Dropout2d(b, w, h):
    x = torch.empty(1000, b, w, h)
    check_dropout(SpatialDropout2d, x)
    check_dropout(SpatialDropout2d, x, memory_format=torch.channels_last)
    check_dropout_discontiguous(SpatialDropout2d)
    check_dropout_discontiguous(SpatialDropout2d, memory_format=torch.channels_last)
    # PyTorch warns on 5-D and 2-D inputs and treats a 3-D one as (N, C, L); the library refuses all three
    for bad in ((1, 2, 2, 2, 2), (1, 2), (1, 2, 2)):
        with pytest.raises(ValueError, match=r"SpatialDropout2d expects a 4-D input of shape \(N, C, H, W\)"):
            SpatialDropout2d(p=0.5)(torch.rand(bad))
    for inplace in (False, True):
        check_channel_zero(SpatialDropout2d(p=0.5, inplace=inplace), torch.ones(10, 4, 2, 2))


@pytest.mark.parametrize("b, d, w, h", [(1, 1, 1, 1), (3, 2, 4, 5)])
def test_Dropout3d(b, d, w, h):
    check_dropout(SpatialDropout3d, torch.empty(1000, b, d, w, h))
    check_dropout_discontiguous(SpatialDropout3d)  # a 4-D input: one sample (C, D, H, W)
    check_dropout_discontiguous(SpatialDropout3d, memory_format=torch.channels_last)
    for bad in ((1, 2, 2, 2, 2, 2), (1, 2, 2)):  # PyTorch warns on these
        with pytest.raises(ValueError, match=r"SpatialDropout3d expects a 4-D or 5-D input"):
            SpatialDropout3d(p=0.5)(torch.rand(bad))
    for inplace in (False, True):
        check_no_batch(SpatialDropout3d(p=0.5, inplace=inplace), torch.rand(50, 2, 2, 2))
        check_channel_zero(SpatialDropout3d(p=0.5, inplace=inplace), torch.ones(10, 4, 2, 2, 2))


def test_empty_dropout():
    x = torch.tensor([])
    assert dropout(x).size() == x.size()
