"""A tiny multilayer perceptron in NumPy with explicit backward passes, to train with dropout and check gradients.

Every layer has ``forward(x)`` and ``backward(grad_output)``; layers with parameters keep them in ``params`` and
their gradients, after ``backward``, in ``grads`` (dicts with the same keys).
"""

import numpy as np

from dropout_lib.numpy_dropout import Dropout, inverted_dropout


class Linear:
    r"""An affine layer :math:`y = xW + b` with :math:`W` of shape ``(in, out)``, initialised uniformly in
    :math:`\pm 1/\sqrt{\text{in}}` as PyTorch's ``nn.Linear`` bounds its weights.

    Backward: :math:`\partial L/\partial W = x^\top g`, :math:`\partial L/\partial b = \sum_n g_n`,
    :math:`\partial L/\partial x = g W^\top` for the incoming gradient :math:`g`.
    """

    def __init__(self, in_features, out_features, rng=None, dtype=np.float64):
        rng = np.random.default_rng() if rng is None else rng
        bound = 1.0 / np.sqrt(in_features)
        self.params = {
            "W": rng.uniform(-bound, bound, (in_features, out_features)).astype(dtype),
            "b": rng.uniform(-bound, bound, out_features).astype(dtype),
        }
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.training = True
        self._x = None

    def forward(self, x):
        self._x = x
        return x @ self.params["W"] + self.params["b"]

    def backward(self, grad_output):
        self.grads["W"] = self._x.T @ grad_output
        self.grads["b"] = grad_output.sum(axis=0)
        return grad_output @ self.params["W"].T


class ReLU:
    r""":math:`y = \max(x, 0)`; backward passes the gradient where :math:`x > 0`."""

    params = {}
    grads = {}

    def __init__(self):
        self.training = True
        self._positive = None

    def forward(self, x):
        self._positive = x > 0
        return np.where(self._positive, x, 0.0).astype(x.dtype)

    def backward(self, grad_output):
        return grad_output * self._positive


class SoftmaxCrossEntropy:
    r"""Mean cross-entropy of softmax(logits) against integer labels, computed stably with log-sum-exp.

    .. math::
        L = -\frac{1}{N}\sum_n \log \mathrm{softmax}(z_n)_{y_n}, \qquad
        \frac{\partial L}{\partial z} = \frac{\mathrm{softmax}(z) - \mathrm{onehot}(y)}{N}
    """

    def forward(self, logits, labels):
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        self._probs = np.exp(log_probs)
        self._labels = np.asarray(labels)
        return float(-log_probs[np.arange(len(labels)), self._labels].mean())

    def backward(self):
        grad = self._probs.copy()
        grad[np.arange(len(self._labels)), self._labels] -= 1.0
        return grad / len(self._labels)


class MLP:
    """Linear → ReLU → Dropout for each hidden layer, then a linear output layer (no dropout on the output).

    Args:
        sizes: layer widths, e.g. ``(64, 128, 10)``.
        p: the drop probability after each hidden ReLU. Default: 0.5.
        rng: a ``numpy.random.Generator`` for the initialisation and the masks.

    Example::

        >>> net = MLP((4, 8, 3), p=0.5, rng=np.random.default_rng(0))
        >>> net.forward(np.ones((2, 4))).shape
        (2, 3)
    """

    def __init__(self, sizes, p=0.5, rng=None, dtype=np.float64):
        rng = np.random.default_rng() if rng is None else rng
        self.layers = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            self.layers.append(Linear(n_in, n_out, rng, dtype))
            if i < len(sizes) - 2:
                self.layers += [ReLU(), Dropout(p, rng)]

    def train(self, mode=True):
        for layer in self.layers:
            layer.training = mode
        return self

    def eval(self):
        return self.train(False)

    def forward(self, x, reuse_masks=False):
        """The network's output; with ``reuse_masks`` every dropout layer applies its last mask again (for a
        gradient check, where the function differentiated must be deterministic)."""
        for layer in self.layers:
            if reuse_masks and isinstance(layer, Dropout) and layer.training and layer.mask is not None:
                x = inverted_dropout(x, layer.mask, layer.p)
            else:
                x = layer.forward(x)
        return x

    def backward(self, grad_output):
        for layer in reversed(self.layers):
            grad_output = layer.backward(grad_output)
        return grad_output

    def parameters(self):
        """(layer, name) pairs of every parameter, in order."""
        return [(layer, name) for layer in self.layers for name in getattr(layer, "params", {})]

    def sgd_step(self, lr):
        for layer, name in self.parameters():
            layer.params[name] -= lr * layer.grads[name]


def numerical_gradient(f, x, eps=1e-6):
    r"""Central differences :math:`\partial f/\partial x_i \approx (f(x + \epsilon e_i) - f(x - \epsilon e_i))/2\epsilon`
    of a scalar function ``f`` of the array ``x`` (changed in place and restored)."""
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        original = x[i]
        x[i] = original + eps
        f_plus = f()
        x[i] = original - eps
        f_minus = f()
        x[i] = original
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(a, b):
    r""":math:`\max_i |a_i - b_i| / \max(|a_i| + |b_i|, 10^{-12})`, the usual measure of a gradient check."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12)))
