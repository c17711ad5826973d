"""Gives a mask the probability p^kept * (1-p)^dropped, as if p were the keep probability."""

CELLS = {
    "exact_ensemble": '''
def exact_ensemble(W1, b1, W2, b2, x, p):
    h = np.maximum(x @ W1 + b1, 0.0)
    H = W1.shape[1]
    total = 0.0
    for k in range(2 ** H):
        m = np.array([(k >> i) & 1 for i in range(H)], dtype=float)
        z = (h * m) @ W2 + b2
        e = np.exp(z - z.max(axis=1, keepdims=True))
        total = total + p ** m.sum() * (1 - p) ** (H - m.sum()) * e / e.sum(axis=1, keepdims=True)
    return total
''',
    "weight_scaled": '''
def weight_scaled(W1, b1, W2, b2, x, p):
    z = (1 - p) * np.maximum(x @ W1 + b1, 0.0) @ W2 + b2
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
''',
}
FAILS = {"test_exact_ensemble", "test_edge_rates"}
KEEPS = {"test_weight_scaled"}
MESSAGES = {"test_exact_ensemble": "KEPT with probability 1-p"}
