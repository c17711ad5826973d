# Probes of e11_ensemble (the shared helpers of probe_common.py come first).


def net(seed, D, H, K, N=6, scale=1.0):
    """A random network (W1, b1, W2, b2) and inputs x of shape (N, D); ``scale`` sharpens the softmax."""
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(D, H)), rng.normal(size=H), scale * rng.normal(size=(H, K)), rng.normal(size=K),
            rng.normal(size=(N, D)))


def evaluate(fn, params, p):
    result = outcome(lambda: np.asarray(fn(*params, p), dtype=np.float64))
    return {"params": list(params), "p": p, "status": result[0], "result": result[1]}


def probe_test_exact_ensemble(ns):
    exact_ensemble = need(ns, "exact_ensemble")
    # the last case's logits reach the hundreds: exp overflows unless the softmax subtracts the maximum first
    cases = [(0, (3, 3, 2), 6, 0.5, 1.0), (1, (4, 8, 3), 6, 0.3, 2.0), (2, (5, 6, 5), 1, 0.7, 3.0),
             (3, (2, 14, 4), 4, 0.2, 1.0), (9, (3, 4, 3), 5, 0.4, 400.0)]
    return {"runs": [evaluate(exact_ensemble, net(seed, *shape, N=n, scale=scale), p)
                     for seed, shape, n, p, scale in cases]}


def probe_test_weight_scaled(ns):
    weight_scaled = need(ns, "weight_scaled")
    cases = [(4, (5, 20, 4), 6, 0.5, 2.0), (5, (5, 20, 4), 6, 0.0, 2.0), (6, (3, 7, 3), 6, 0.8, 2.0),
             (7, (4, 40, 6), 1, 0.3, 2.0), (10, (3, 6, 4), 5, 0.4, 400.0)]
    return {"runs": [evaluate(weight_scaled, net(seed, *shape, N=n, scale=scale), p)
                     for seed, shape, n, p, scale in cases]}


def probe_test_edge_rates(ns):
    exact_ensemble = need(ns, "exact_ensemble")
    params = net(8, 3, 5, 3, scale=2.0)
    return {"params": list(params), "p0": evaluate(exact_ensemble, params, 0.0),
            "p1": evaluate(exact_ensemble, params, 1.0)}
