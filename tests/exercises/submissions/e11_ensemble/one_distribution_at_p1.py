"""Special-cases p = 1 by returning softmax(b2), a single distribution of shape (K,) instead of one per input."""

CELLS = {
    "exact_ensemble": '''
def exact_ensemble(W1, b1, W2, b2, x, p):
    if p == 1:  # every hidden unit dropped: the network outputs softmax(b2)
        e = np.exp(b2 - b2.max())
        return e / e.sum()
    h = np.maximum(x @ W1 + b1, 0.0)
    H = W1.shape[1]
    total = 0.0
    for k in range(2 ** H):
        m = np.array([(k >> i) & 1 for i in range(H)], dtype=float)
        z = (h * m) @ W2 + b2
        e = np.exp(z - z.max(axis=1, keepdims=True))
        total = total + (1 - p) ** m.sum() * p ** (H - m.sum()) * e / e.sum(axis=1, keepdims=True)
    return total
''',
    "weight_scaled": '''
def weight_scaled(W1, b1, W2, b2, x, p):
    z = (1 - p) * np.maximum(x @ W1 + b1, 0.0) @ W2 + b2
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
''',
}
FAILS = {"test_edge_rates"}
KEEPS = {"test_exact_ensemble", "test_weight_scaled"}
MESSAGES = {"test_edge_rates": "must have shape (N, K)"}
