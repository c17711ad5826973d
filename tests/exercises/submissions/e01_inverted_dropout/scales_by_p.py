"""Survivors scaled by 1/p instead of 1/(1-p)."""

CELLS = {
    "dropout_class": '''
class Dropout:
    def __init__(self, p=0.5, rng=None):
        if not 0 <= p <= 1:
            raise ValueError("p")
        self.p, self.rng, self.training = p, (np.random.default_rng() if rng is None else rng), True

    def forward(self, x):
        if not self.training:
            return x
        self.mask = self.rng.random(x.shape) >= self.p
        return x * self.mask / self.p if self.p > 0 else x

    def backward(self, g):
        return g * self.mask / self.p if self.training and self.p > 0 else g
''',
    "standard_dropout": '''def standard_dropout(x, p, training, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    return x * (rng.random(x.shape) >= p) if training else x * (1 - p)
''',
}
FAILS = {"test_forward", "test_drop_fraction", "test_backward"}
KEEPS = {"test_standard_dropout", "test_eval_mode"}
MESSAGES = {"test_forward": "survivors must be scaled by 1/(1-p), not 1/p"}
