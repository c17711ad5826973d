# Probes of e06_drop_path (the shared helpers of probe_common.py come first).


def probe_test_per_sample(ns):
    drop_path = need(ns, "drop_path")
    x = nonzero_input((4000, 3, 2), 6)
    before = x.clone()
    return {"x": x, "scaled": drop_path(x, 0.3, True), "unscaled": drop_path(x, 0.3, True, scale_by_keep=False),
            "unchanged": bool(torch.equal(x, before))}


def probe_test_identity_cases(ns):
    drop_path = need(ns, "drop_path")
    x = nonzero_input((50, 4), 7)
    return {"x": x, "defaults": drop_path(x), "p0": drop_path(x, 0.0, True), "eval": drop_path(x, 0.5, False),
            "p1": catch_warnings_of(lambda: drop_path(x, 1.0, True))}


def probe_test_rates(ns):
    drop_path_rates = need(ns, "drop_path_rates")
    return {"12": drop_path_rates(12, 0.1), "1": drop_path_rates(1, 0.3), "5": drop_path_rates(5, 0.2),
            "types": [type(r).__name__ for r in drop_path_rates(4, 0.3)]}


def probe_test_gradient(ns):
    drop_path = need(ns, "drop_path")
    x = nonzero_input((64, 5), 8).requires_grad_()
    y = drop_path(x, 0.5, True)
    y.sum().backward()
    return {"y": y.detach(), "grad": x.grad}
