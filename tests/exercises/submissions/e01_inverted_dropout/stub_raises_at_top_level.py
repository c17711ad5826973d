"""The layer done, the second function left as a top-level stub: its NotImplementedError is reported on the part
that needs it, and on no other."""

CELLS = {
    "dropout_class": '''
class Dropout:
    def __init__(self, p=0.5, rng=None):
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.training, self.mask = p, True, None
        self.rng = np.random.default_rng() if rng is None else rng

    def forward(self, x):
        x = np.asarray(x)
        if not self.training:
            return x.copy()
        self.mask = self.rng.random(x.shape) >= self.p
        return np.zeros_like(x) if self.p == 1.0 else x * (self.mask / (1.0 - self.p)).astype(x.dtype)

    def backward(self, grad_output):
        grad_output = np.asarray(grad_output)
        scale = 0.0 if self.p == 1.0 else 1.0 / (1.0 - self.p)
        return grad_output * (self.mask * scale).astype(grad_output.dtype) if self.training else grad_output.copy()
''',
    "standard_dropout": '''
# YOUR CODE HERE
raise NotImplementedError()
''',
}
FAILS = {"test_standard_dropout"}
KEEPS = {"test_forward", "test_drop_fraction", "test_backward", "test_eval_mode", "test_edge_cases"}
MESSAGES = {"test_standard_dropout": "cell standard_dropout: NotImplementedError"}
