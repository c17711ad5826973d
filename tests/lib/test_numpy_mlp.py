import numpy as np
import pytest

from dropout_lib.numpy_dropout import Dropout
from dropout_lib.numpy_mlp import MLP, Linear, ReLU, SoftmaxCrossEntropy, numerical_gradient, relative_error

TOLERANCE = 1e-6  # relative error of a gradient check in float64


def projection_loss(layer, x, weights):
    """A scalar with a known, generic gradient: sum(layer(x) * weights), so that dL/dy = weights."""
    return lambda: float((layer.forward(x) * weights).sum())


def test_linear_gradients():
    rng = np.random.default_rng(0)
    layer = Linear(5, 4, rng)
    x, weights = rng.standard_normal((3, 5)), rng.standard_normal((3, 4))
    loss = projection_loss(layer, x, weights)
    loss()
    grad_x = layer.backward(weights)
    analytic = {name: grad.copy() for name, grad in layer.grads.items()}
    assert relative_error(grad_x, numerical_gradient(loss, x)) < TOLERANCE
    for name in ("W", "b"):
        assert relative_error(analytic[name], numerical_gradient(loss, layer.params[name])) < TOLERANCE
    assert np.allclose(analytic["W"], x.T @ weights) and np.allclose(analytic["b"], weights.sum(0))


def test_relu_gradient():
    rng = np.random.default_rng(1)
    relu = ReLU()
    x, weights = rng.standard_normal((6, 7)), rng.standard_normal((6, 7))
    x[np.abs(x) < 1e-3] = 0.5  # keep central differences away from the kink
    loss = projection_loss(relu, x, weights)
    loss()
    assert relative_error(relu.backward(weights), numerical_gradient(loss, x)) < TOLERANCE
    assert np.array_equal(relu.forward(np.array([-1.0, 0.0, 2.0])), [0.0, 0.0, 2.0])


def test_dropout_layer_gradient_with_its_mask_fixed():
    rng = np.random.default_rng(2)
    layer = Dropout(0.3, rng=rng)
    x, weights = rng.standard_normal((4, 6)), rng.standard_normal((4, 6))
    layer.forward(x)
    mask = layer.mask

    def loss():
        return float((np.where(mask, x / 0.7, 0.0) * weights).sum())

    assert relative_error(layer.backward(weights), numerical_gradient(loss, x)) < TOLERANCE


def test_softmax_cross_entropy_is_stable_and_its_gradient_right():
    ce = SoftmaxCrossEntropy()
    assert np.isclose(ce.forward(np.array([[1000.0, 0.0], [0.0, 0.0]]), np.array([0, 1])), np.log(2) / 2)
    assert np.isfinite(ce.forward(np.array([[-1000.0, 1000.0]]), np.array([0])))  # log-probability -2000, no inf
    rng = np.random.default_rng(1)
    z, y = rng.standard_normal((4, 3)), np.array([0, 2, 1, 2])
    ce.forward(z, y)
    assert np.allclose(ce.probs.sum(axis=1), 1.0)
    assert relative_error(ce.backward(), numerical_gradient(lambda: ce.forward(z, y), z)) < TOLERANCE


def test_whole_mlp_with_dropout_passes_a_gradient_check_under_fixed_masks():
    rng = np.random.default_rng(2)
    net, ce = MLP((6, 10, 8, 3), p=0.5, rng=rng), SoftmaxCrossEntropy()
    x, y = rng.standard_normal((5, 6)), np.array([0, 1, 2, 1, 0])
    ce.forward(net.forward(x), y)  # draws the masks
    grad_x = net.backward(ce.backward())
    dropouts = [layer for layer in net.layers if isinstance(layer, Dropout)]
    assert len(dropouts) == 2 and all(0 < layer.mask.mean() < 1 for layer in dropouts)

    def loss():
        return ce.forward(net.forward(x, reuse_masks=True), y)

    analytic = {name: grad.copy() for name, grad in net.grads.items()}
    assert sorted(analytic) == ["0.W", "0.b", "3.W", "3.b", "6.W", "6.b"]
    for name, value in net.params.items():
        assert relative_error(analytic[name], numerical_gradient(loss, value)) < TOLERANCE, name
    assert relative_error(grad_x, numerical_gradient(loss, x)) < TOLERANCE
    # the check has power: the gradient of a different mask is far off
    for layer in dropouts:
        layer.mask = ~layer.mask
    assert relative_error(analytic["0.W"], numerical_gradient(loss, net.params["0.W"])) > 1e-2


def test_reuse_masks_is_deterministic_and_eval_is_identity_dropout():
    rng = np.random.default_rng(4)
    net = MLP((3, 16, 2), p=0.5, rng=rng)
    x = rng.standard_normal((4, 3))
    first = net.forward(x)
    assert np.array_equal(net.forward(x, reuse_masks=True), first)
    assert not np.array_equal(net.forward(x), first)  # a new mask
    net.eval()
    full = x
    for layer in net.layers:
        if not isinstance(layer, Dropout):
            full = layer.forward(full)
    assert np.array_equal(net.forward(x), full)
    assert all(layer.training is False for layer in net.layers)


def test_training_with_dropout_reduces_the_loss():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((200, 4))
    y = (x[:, 0] * x[:, 1] > 0).astype(int)  # not linearly separable: the hidden layer is needed
    net, ce = MLP((4, 32, 2), p=0.2, rng=rng), SoftmaxCrossEntropy()
    before = ce.forward(net.eval().forward(x), y)
    net.train()
    for _ in range(300):
        ce.forward(net.forward(x), y)
        net.backward(ce.backward())
        net.sgd_step(0.5)
    after = ce.forward(net.eval().forward(x), y)
    assert after < 0.6 * before
    assert (ce.probs.argmax(axis=1) == y).mean() > 0.85


def test_sgd_step_updates_the_parameters_in_place():
    net = MLP((2, 3, 2), p=0.0, rng=np.random.default_rng(0))
    ce = SoftmaxCrossEntropy()
    ce.forward(net.forward(np.ones((1, 2))), np.array([1]))
    net.backward(ce.backward())
    weights = net.params["0.W"]
    expected = weights - 0.1 * net.grads["0.W"]
    net.sgd_step(0.1)
    assert net.params["0.W"] is weights and np.array_equal(weights, expected)


def test_relative_error_and_numerical_gradient():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.ones(3), -np.ones(3)) == 1.0
    assert relative_error(np.array([1.0, 1e-9]), np.array([1.0, 2e-9])) < 1e-8  # tiny entries do not dominate
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    before = x.copy()
    assert np.allclose(numerical_gradient(lambda: float((x ** 3).sum()), x), 3 * x ** 2, rtol=1e-8)
    assert np.array_equal(x, before)  # restored


def test_errors():
    with pytest.raises(ValueError, match=r"numerical_gradient changes x in place and needs a float64 array, but got "
                                         r"float32"):
        numerical_gradient(lambda: 0.0, np.ones(2, dtype=np.float32))
    with pytest.raises(ValueError, match=r"Linear expects an input of shape \(N, 5\), but got shape \(3, 4\)"):
        Linear(5, 2).forward(np.ones((3, 4)))
    with pytest.raises(ValueError, match=r"sizes must be at least two positive integers"):
        MLP((4,))
    with pytest.raises(ValueError, match="between 0 and 1"):
        MLP((4, 2), p=1.5)
    with pytest.raises(ValueError, match=r"labels must be integers in \[0, 3\), but got labels from 0 to 3"):
        SoftmaxCrossEntropy().forward(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match=r"labels must be integers in \[0, 3\), but got dtype float64"):
        SoftmaxCrossEntropy().forward(np.zeros((2, 3)), np.array([0.0, 1.0]))
    with pytest.raises(RuntimeError, match="reuse_masks=True needs a forward pass that drew the masks first"):
        MLP((2, 3, 2)).forward(np.ones((1, 2)), reuse_masks=True)
    with pytest.raises(ValueError, match=r"relative_error compares arrays of the same shape"):
        relative_error(np.ones(2), np.ones(3))
