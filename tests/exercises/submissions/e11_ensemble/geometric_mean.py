"""Averages the members' logits with their probabilities and takes one softmax: the normalized geometric mean,
which equals weight scaling, instead of the arithmetic mean of the probabilities."""

CELLS = {
    "exact_ensemble": '''
def exact_ensemble(W1, b1, W2, b2, x, p):
    h = np.maximum(x @ W1 + b1, 0.0)
    H = W1.shape[1]
    logits = 0.0
    for k in range(2 ** H):
        m = np.array([(k >> i) & 1 for i in range(H)], dtype=float)
        logits = logits + (1 - p) ** m.sum() * p ** (H - m.sum()) * ((h * m) @ W2 + b2)
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
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
MESSAGES = {"test_exact_ensemble": "geometric mean"}
