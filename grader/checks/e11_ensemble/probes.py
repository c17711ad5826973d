# Probes of e11_ensemble (the shared helpers of probe_common.py come first).


def net(seed, D, H, K, N=6):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(D, H)), rng.normal(size=H), rng.normal(size=(H, K)), rng.normal(size=K),
            rng.normal(size=(N, D)))


def probe_test_exact_ensemble(ns):
    exact_ensemble = need(ns, "exact_ensemble")
    out = {}
    for seed, (D, H, K), p in ((0, (3, 3, 2), 0.5), (1, (4, 8, 3), 0.3), (2, (2, 14, 4), 0.2)):
        params = net(seed, D, H, K)
        out[str(seed)] = {"params": list(params), "p": p, "result": np.asarray(exact_ensemble(*params, p))}
    return out


def probe_test_weight_scaled(ns):
    weight_scaled = need(ns, "weight_scaled")
    out = {}
    for seed, p in ((3, 0.5), (4, 0.0), (5, 0.8)):
        params = net(seed, 5, 20, 4)
        out[str(seed)] = {"params": list(params), "p": p, "result": np.asarray(weight_scaled(*params, p))}
    return out


def probe_test_edge_rates(ns):
    exact_ensemble = need(ns, "exact_ensemble")
    params = net(6, 3, 5, 3)
    return {"params": list(params), "p0": np.asarray(exact_ensemble(*params, 0.0)),
            "p1": np.asarray(exact_ensemble(*params, 1.0))}
