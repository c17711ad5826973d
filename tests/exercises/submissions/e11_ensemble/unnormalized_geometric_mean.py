"""Averages the members' log-probabilities with their weights and exponentiates: the weighted geometric mean,
never renormalized."""

CELLS = {
    "exact_ensemble": '''
def exact_ensemble(W1, b1, W2, b2, x, p):
    h = np.maximum(x @ W1 + b1, 0.0)
    H = W1.shape[1]
    log_mean = 0.0
    for k in range(2 ** H):
        m = np.array([(k >> i) & 1 for i in range(H)], dtype=float)
        z = (h * m) @ W2 + b2
        z = z - z.max(axis=1, keepdims=True)
        log_softmax = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        log_mean = log_mean + (1 - p) ** m.sum() * p ** (H - m.sum()) * log_softmax
    return np.exp(log_mean)
''',
    "weight_scaled": '''
def weight_scaled(W1, b1, W2, b2, x, p):
    z = (1 - p) * np.maximum(x @ W1 + b1, 0.0) @ W2 + b2
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
''',
}
FAILS = {"test_exact_ensemble"}
KEEPS = {"test_weight_scaled", "test_edge_rates"}
MESSAGES = {"test_exact_ensemble": "sum to 1"}
