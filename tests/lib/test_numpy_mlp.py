import numpy as np

from dropout_lib.numpy_mlp import MLP, Linear, ReLU, SoftmaxCrossEntropy, numerical_gradient, relative_error


def test_linear_and_relu_backward_match_numerical_gradients():
    rng = np.random.default_rng(0)
    layer, relu = Linear(5, 4, rng), ReLU()
    x = rng.standard_normal((3, 5))
    w = rng.standard_normal((3, 4))

    def loss():
        return float((relu.forward(layer.forward(x)) * w).sum())

    loss()
    grad_x = layer.backward(relu.backward(w))
    assert relative_error(grad_x, numerical_gradient(loss, x)) < 1e-6
    for name in ("W", "b"):
        loss()
        layer.backward(relu.backward(w))
        analytic = layer.grads[name].copy()
        assert relative_error(analytic, numerical_gradient(loss, layer.params[name])) < 1e-6


def test_softmax_cross_entropy_is_stable_and_correct():
    ce = SoftmaxCrossEntropy()
    logits = np.array([[1000.0, 0.0], [0.0, 0.0]])
    assert np.isclose(ce.forward(logits, np.array([0, 1])), np.log(2) / 2)
    rng = np.random.default_rng(1)
    z, y = rng.standard_normal((4, 3)), np.array([0, 2, 1, 2])
    ce.forward(z, y)
    assert relative_error(ce.backward(), numerical_gradient(lambda: ce.forward(z, y), z)) < 1e-6


def test_whole_mlp_with_dropout_passes_gradient_check_under_fixed_masks():
    rng = np.random.default_rng(2)
    net, ce = MLP((6, 10, 8, 3), p=0.5, rng=rng), SoftmaxCrossEntropy()
    x, y = rng.standard_normal((5, 6)), np.array([0, 1, 2, 1, 0])
    ce.forward(net.forward(x), y)  # draws the masks
    net.backward(ce.backward())
    for layer, name in net.parameters():
        analytic = layer.grads[name].copy()
        numeric = numerical_gradient(lambda: ce.forward(net.forward(x, reuse_masks=True), y), layer.params[name])
        assert relative_error(analytic, numeric) < 1e-6, name


def test_training_with_dropout_reduces_the_loss():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((200, 4))
    y = (x[:, 0] + x[:, 1] > 0).astype(int)
    net, ce = MLP((4, 32, 2), p=0.2, rng=rng), SoftmaxCrossEntropy()
    net.eval()
    before = ce.forward(net.forward(x), y)
    net.train()
    for _ in range(300):
        ce.forward(net.forward(x), y)
        net.backward(ce.backward())
        net.sgd_step(0.5)
    net.eval()
    assert ce.forward(net.forward(x), y) < 0.5 * before
