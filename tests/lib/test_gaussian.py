import math

import pytest
import torch

from dropout_lib.dropout import dropout
from dropout_lib.gaussian import GaussianDropout, gaussian_dropout, gaussian_noise_std
from tests.lib.stats import assert_mean


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_noise_has_mean_one_and_variance_of_the_inverted_mask(p):
    n = 400_000
    noise = gaussian_dropout(torch.ones(n, dtype=torch.float64), p)
    var = p / (1 - p)
    assert_mean(noise.mean().item(), 1.0, math.sqrt(var), n)
    # sample variance of a Gaussian has standard error var * sqrt(2/n)
    assert abs(noise.var().item() - var) < 6 * var * math.sqrt(2 / n)
    # the same two moments as inverted dropout: the variance of m/(1-p)
    bern = dropout(torch.ones(n, dtype=torch.float64), p)
    assert abs(bern.var().item() - var) < 6 * math.sqrt(2 * var**2 / n + 10 * var / n)


def test_keras_sigma():
    # Keras's GaussianDropout(rate): stddev = sqrt(rate / (1 - rate))
    assert gaussian_noise_std(0.2) == pytest.approx(math.sqrt(0.2 / 0.8))


def test_given_noise_and_gradcheck():
    x = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
    noise = torch.randn(4, 3, dtype=torch.float64) + 1
    assert torch.equal(gaussian_dropout(x, 0.5, noise=noise), x * noise)
    assert torch.autograd.gradcheck(lambda t: gaussian_dropout(t, 0.5, noise=noise), (x,))


def test_edge_cases():
    x = torch.randn(10)
    assert gaussian_dropout(x, 0.0) is x
    assert gaussian_dropout(x, 0.5, training=False) is x
    assert torch.equal(GaussianDropout(0.5).eval()(x), x)
    assert gaussian_dropout(x.double(), 0.5).dtype == torch.float64
    before = x.clone()
    gaussian_dropout(x, 0.5)
    assert torch.equal(x, before)


def test_p_one_rejected_because_variance_is_infinite():
    with pytest.raises(ValueError, match="needs p < 1"):
        gaussian_dropout(torch.ones(3), 1.0)
    with pytest.raises(ValueError, match="needs p < 1"):
        GaussianDropout(1.0)
    with pytest.raises(ValueError, match="between 0 and 1"):
        GaussianDropout(float("nan"))
