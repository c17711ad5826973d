r"""A small multilayer perceptron in NumPy with explicit backward passes, to train with dropout and check gradients.

Every layer has ``forward(x)`` and ``backward(grad_output)``; a layer with parameters keeps them in the dict
``params`` and, after ``backward``, their gradients in the dict ``grads`` (same keys). Gradients are checked
against central differences (:func:`numerical_gradient`, :func:`relative_error`); the function differentiated must
be deterministic, so a network with dropout is checked with its masks held fixed (``MLP.forward(x,
reuse_masks=True)``).
"""

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from dropout_lib._checks import check_rate
from dropout_lib.numpy_dropout import Dropout, _as_generator, inverted_dropout


def _check_input(x, features, layer):
    if x.ndim != 2 or x.shape[1] != features:
        raise ValueError(f"{layer} expects an input of shape (N, {features}), but got shape {x.shape}")


class Linear:
    r"""An affine layer :math:`y = xW + b`, with :math:`W` of shape ``(in_features, out_features)``.

    Initialised uniformly in :math:`\pm 1/\sqrt{\text{in\_features}}`, the bound of PyTorch's ``nn.Linear``.
    Backward, for the incoming gradient :math:`g = \partial L/\partial y`:

    .. math::
        \frac{\partial L}{\partial W} = x^\top g, \qquad \frac{\partial L}{\partial b} = \sum_n g_n, \qquad
        \frac{\partial L}{\partial x} = g W^\top

    Args:
        in_features: size of each input sample.
        out_features: size of each output sample.
        rng: a ``numpy.random.Generator`` for the initialisation; a fresh one when ``None``.
        dtype: dtype of the parameters. Default: ``np.float64`` (what a gradient check needs).

    Shape:
        Input: :math:`(N, \text{in\_features})`. Output: :math:`(N, \text{out\_features})`.

    Example::

        >>> layer = Linear(3, 2, rng=np.random.default_rng(0))
        >>> layer.forward(np.ones((4, 3))).shape, layer.params["W"].shape
        ((4, 2), (3, 2))
    """

    def __init__(self, in_features: int, out_features: int, rng: np.random.Generator | None = None,
                 dtype: DTypeLike = np.float64) -> None:
        rng = _as_generator(rng)
        bound = 1.0 / np.sqrt(in_features)
        self.in_features, self.out_features = in_features, out_features
        self.params = {"W": rng.uniform(-bound, bound, (in_features, out_features)).astype(dtype),
                       "b": rng.uniform(-bound, bound, out_features).astype(dtype)}
        self.grads = {name: np.zeros_like(value) for name, value in self.params.items()}
        self.training = True
        self._x = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        _check_input(x, self.in_features, "Linear")
        self._x = x
        return x @ self.params["W"] + self.params["b"]

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        if self._x is None:
            raise RuntimeError("backward called before forward: Linear needs the input of the forward pass")
        self.grads["W"] = self._x.T @ grad_output
        self.grads["b"] = grad_output.sum(axis=0)
        return grad_output @ self.params["W"].T

    def __repr__(self) -> str:
        return f"Linear(in_features={self.in_features}, out_features={self.out_features})"


class ReLU:
    r""":math:`y = \max(x, 0)`; backward passes the gradient where :math:`x > 0` (the subgradient 0 at 0).

    Example::

        >>> relu = ReLU()
        >>> relu.forward(np.array([-1.0, 2.0])), relu.backward(np.array([5.0, 5.0]))
        (array([0., 2.]), array([0., 5.]))
    """

    def __init__(self) -> None:
        self.training = True
        self._positive = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._positive = x > 0
        return np.where(self._positive, x, np.zeros((), dtype=x.dtype))

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        if self._positive is None:
            raise RuntimeError("backward called before forward: ReLU needs the sign of the forward input")
        return np.where(self._positive, grad_output, np.zeros((), dtype=grad_output.dtype))

    def __repr__(self) -> str:
        return "ReLU()"


class SoftmaxCrossEntropy:
    r"""Mean cross-entropy of :math:`\mathrm{softmax}(z)` against integer labels, computed stably (log-sum-exp).

    .. math::
        L = -\frac{1}{N}\sum_n \log \mathrm{softmax}(z_n)_{y_n}, \qquad
        \frac{\partial L}{\partial z} = \frac{\mathrm{softmax}(z) - \mathrm{onehot}(y)}{N}

    Shape:
        Logits: :math:`(N, K)`. Labels: :math:`(N,)` integers in :math:`[0, K)`. Loss: a Python float.

    Example::

        >>> loss = SoftmaxCrossEntropy()
        >>> round(loss.forward(np.zeros((2, 4)), np.array([0, 3])), 6)   # log 4: uniform over 4 classes
        1.386294
    """

    def __init__(self) -> None:
        self.probs = None
        self._labels = None

    def forward(self, logits: np.ndarray, labels: np.ndarray) -> float:
        logits, labels = np.asarray(logits), np.asarray(labels)
        if logits.ndim != 2 or labels.shape != logits.shape[:1]:
            raise ValueError(f"SoftmaxCrossEntropy expects logits (N, K) and labels (N,), but got {logits.shape} "
                             f"and {labels.shape}")
        n_classes = logits.shape[1]
        if labels.dtype.kind not in "iu":
            raise ValueError(f"labels must be integers in [0, {n_classes}), but got dtype {labels.dtype}")
        if labels.size and not 0 <= labels.min() <= labels.max() < n_classes:
            raise ValueError(f"labels must be integers in [0, {n_classes}), but got labels from {labels.min()} "
                             f"to {labels.max()}")
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        self.probs, self._labels = np.exp(log_probs), labels
        return float(-log_probs[np.arange(len(labels)), labels].mean())

    def backward(self) -> np.ndarray:
        if self.probs is None:
            raise RuntimeError("backward called before forward: there are no probabilities to differentiate")
        grad = self.probs.copy()
        grad[np.arange(len(self._labels)), self._labels] -= 1.0
        return grad / len(self._labels)

    def __repr__(self) -> str:
        return "SoftmaxCrossEntropy()"


class MLP:
    r"""Linear → ReLU → Dropout for each hidden layer, then a linear output layer (no dropout on the logits).

    .. math::
        h_0 = x, \qquad h_l = \mathrm{dropout}_p(\mathrm{relu}(h_{l-1} W_l + b_l)), \qquad z = h_{L-1} W_L + b_L

    Args:
        sizes: layer widths from input to output, e.g. ``(64, 128, 10)``; at least two.
        p: probability of dropping a hidden unit (inverted dropout, :class:`~dropout_lib.numpy_dropout.Dropout`).
            Default: 0.5.
        rng: a ``numpy.random.Generator`` for the initialisation and the masks; a fresh one when ``None``.
        dtype: dtype of the parameters. Default: ``np.float64``.

    Attributes:
        layers: the layers in order. params / grads: dicts ``"<layer index>.<W or b>"`` → the live arrays.

    Shape:
        Input: :math:`(N, \text{sizes}[0])`. Output: :math:`(N, \text{sizes}[-1])` logits.

    Example::

        >>> net = MLP((4, 8, 3), p=0.5, rng=np.random.default_rng(0))
        >>> net.forward(np.ones((2, 4))).shape, sorted(net.params)
        ((2, 3), ['0.W', '0.b', '3.W', '3.b'])
    """

    def __init__(self, sizes: Sequence[int], p: float = 0.5, rng: np.random.Generator | None = None,
                 dtype: DTypeLike = np.float64) -> None:
        sizes = tuple(sizes)
        if len(sizes) < 2 or any(isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 1
                                 for s in sizes):
            raise ValueError(f"sizes must be at least two positive integers (input, ..., output), but got {sizes}")
        self.p = check_rate(p)
        rng = _as_generator(rng)
        self.layers = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            self.layers.append(Linear(n_in, n_out, rng, dtype))
            if i < len(sizes) - 2:
                self.layers += [ReLU(), Dropout(self.p, rng)]

    def train(self, mode: bool = True) -> "MLP":
        """Set every layer's ``training`` flag (dropout draws masks only in training mode)."""
        for layer in self.layers:
            layer.training = mode
        return self

    def eval(self) -> "MLP":
        """Evaluation mode: dropout is the identity."""
        return self.train(False)

    def forward(self, x: np.ndarray, reuse_masks: bool = False) -> np.ndarray:
        """The logits. With ``reuse_masks=True`` each dropout layer applies its last mask again instead of drawing
        a new one, which makes the network a deterministic function of its input and parameters (gradient check)."""
        for layer in self.layers:
            if reuse_masks and isinstance(layer, Dropout) and layer.training:
                if layer.mask is None:
                    raise RuntimeError("reuse_masks=True needs a forward pass that drew the masks first")
                x = inverted_dropout(x, layer.mask, layer.p)
            else:
                x = layer.forward(x)
        return x

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        """Backpropagate :math:`\\partial L/\\partial z` through every layer, filling the layers' ``grads``;
        returns :math:`\\partial L/\\partial x`."""
        for layer in reversed(self.layers):
            grad_output = layer.backward(grad_output)
        return grad_output

    @property
    def params(self) -> dict[str, np.ndarray]:
        return {f"{i}.{name}": value for i, layer in enumerate(self.layers)
                for name, value in getattr(layer, "params", {}).items()}

    @property
    def grads(self) -> dict[str, np.ndarray]:
        return {f"{i}.{name}": value for i, layer in enumerate(self.layers)
                for name, value in getattr(layer, "grads", {}).items()}

    def sgd_step(self, lr: float) -> None:
        r"""One step of gradient descent on every parameter, in place: :math:`\theta \leftarrow \theta - \eta\,
        \partial L/\partial\theta`, with the gradients of the last :meth:`backward`."""
        grads = self.grads
        for name, value in self.params.items():
            value -= lr * grads[name]

    def __repr__(self) -> str:
        return "MLP(" + ", ".join(map(repr, self.layers)) + ")"


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    r"""The gradient of a scalar function by central differences.

    .. math::
        \frac{\partial f}{\partial x_i} \approx \frac{f(x + \epsilon e_i) - f(x - \epsilon e_i)}{2\epsilon}

    with truncation error :math:`O(\epsilon^2)`. ``x`` is changed in place, one entry at a time, and restored, so
    it can be a parameter array that ``f`` reads.

    Args:
        f: a function of no arguments returning a float (it reads ``x``).
        x: a float64 NumPy array (float32 cannot resolve a step of 1e-6).
        eps: the step :math:`\epsilon`. Default: 1e-6.

    Example::

        >>> x = np.array([1.0, 2.0])
        >>> numerical_gradient(lambda: float((x ** 2).sum()), x).round(6)
        array([2., 4.])
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        got = x.dtype if isinstance(x, np.ndarray) else type(x).__name__
        raise ValueError(f"numerical_gradient changes x in place and needs a float64 array, but got {got}")
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        original = x[i]
        x[i] = original + eps
        f_plus = f()
        x[i] = original - eps
        f_minus = f()
        x[i] = original
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(a: ArrayLike, b: ArrayLike) -> float:
    r"""The relative error of two gradients, as a gradient check reports it.

    .. math::
        \frac{\lVert a - b \rVert_2}{\max(\lVert a \rVert_2 + \lVert b \rVert_2,\ 10^{-300})}

    0 for identical arrays (also both zero), 1 when one is zero and the other not. Below about 1e-7 in float64, an
    analytic gradient is right; a wrong one gives 1e-2 or more. Measured over the whole array, so that entries
    that are tiny compared with the others do not turn round-off into a false alarm.

    Example::

        >>> relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0])), relative_error(np.zeros(2), np.ones(2))
        (0.0, 1.0)
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"relative_error compares arrays of the same shape, but got {a.shape} and {b.shape}")
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300))
