"""Averages the members without their probabilities, and scales by p instead of 1-p."""

CELLS = {
    "exact_ensemble": '''
def exact_ensemble(W1, b1, W2, b2, x, p):
    h = np.maximum(x @ W1 + b1, 0.0)
    H = W1.shape[1]
    outs = []
    for k in range(2 ** H):
        m = np.array([(k >> i) & 1 for i in range(H)], dtype=float)
        z = (h * m) @ W2 + b2
        e = np.exp(z - z.max(axis=1, keepdims=True))
        outs.append(e / e.sum(axis=1, keepdims=True))
    return np.mean(outs, axis=0)
''',
    "weight_scaled": '''
def weight_scaled(W1, b1, W2, b2, x, p):
    z = p * np.maximum(x @ W1 + b1, 0.0) @ W2 + b2
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
''',
}
FAILS = {"test_exact_ensemble", "test_weight_scaled", "test_edge_rates"}
MESSAGES = {"test_exact_ensemble": "its probability"}
