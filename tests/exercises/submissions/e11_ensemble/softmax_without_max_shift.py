"""Takes the softmax as exp(z) / sum(exp(z)) without subtracting the maximum: large logits overflow to inf and NaN."""

CELLS = {
    "exact_ensemble": '''
def exact_ensemble(W1, b1, W2, b2, x, p):
    h = np.maximum(x @ W1 + b1, 0.0)
    H = W1.shape[1]
    total = 0.0
    for k in range(2 ** H):
        m = np.array([(k >> i) & 1 for i in range(H)], dtype=float)
        e = np.exp((h * m) @ W2 + b2)
        total = total + (1 - p) ** m.sum() * p ** (H - m.sum()) * e / e.sum(axis=1, keepdims=True)
    return total
''',
    "weight_scaled": '''
def weight_scaled(W1, b1, W2, b2, x, p):
    e = np.exp((1 - p) * np.maximum(x @ W1 + b1, 0.0) @ W2 + b2)
    return e / e.sum(axis=1, keepdims=True)
''',
}
FAILS = {"test_exact_ensemble", "test_weight_scaled"}
KEEPS = {"test_edge_rates"}
MESSAGES = {"test_exact_ensemble": "NaN or inf", "test_weight_scaled": "NaN or inf"}
