"""Returns the normalized geometric mean, which equals weight scaling, instead of the arithmetic mean."""

CELLS = {
    "exact_ensemble": '''
def exact_ensemble(W1, b1, W2, b2, x, p):
    return weight_scaled(W1, b1, W2, b2, x, p)
''',
    "weight_scaled": '''
def weight_scaled(W1, b1, W2, b2, x, p):
    z = (1 - p) * np.maximum(x @ W1 + b1, 0.0) @ W2 + b2
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
''',
}
FAILS = {"test_exact_ensemble"}
KEEPS = {"test_weight_scaled"}
