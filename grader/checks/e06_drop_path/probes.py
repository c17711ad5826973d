# Probes of e06_drop_path (the shared helpers of probe_common.py come first).


def probe_test_per_sample(ns):
    drop_path = need(ns, "drop_path")
    torch.manual_seed(60)
    p = 0.3
    x = nonzero_input((4000, 3, 2), 6)
    image = nonzero_input((300, 2, 3, 3), 16)
    return {"p": p, "x": x, "scaled": drop_path(x, p, True), "again": drop_path(x, p, True),
            "unscaled": drop_path(x, p, True, scale_by_keep=False),
            "image": image, "image_out": drop_path(image, p, True),
            "unchanged": bool(torch.equal(x, nonzero_input((4000, 3, 2), 6)))}


def probe_test_eval_and_edge_cases(ns):
    drop_path = need(ns, "drop_path")
    torch.manual_seed(61)
    x = nonzero_input((50, 4), 7)
    return {"x": x, "defaults": drop_path(x), "p0": drop_path(x, 0.0, True), "eval": drop_path(x, 0.5, False),
            "training_default": drop_path(x, 0.5),
            "eval_unscaled": drop_path(x, 0.5, False, scale_by_keep=False),
            "p1": catch_warnings_of(lambda: drop_path(x, 1.0, True)),
            "p1_unscaled": catch_warnings_of(lambda: drop_path(x, 1.0, True, scale_by_keep=False)),
            "float32": drop_path(x.float(), 0.5, True)}


def probe_test_rates(ns):
    drop_path_rates = need(ns, "drop_path_rates")
    return {"cases": [{"depth": depth, "max_rate": rate, "rates": drop_path_rates(depth, rate)}
                      for depth, rate in ((12, 0.1), (1, 0.3), (5, 0.2), (2, 0.5))],
            "types": [type(r).__name__ for r in drop_path_rates(4, 0.3)],
            "int_rate_types": [type(r).__name__ for r in drop_path_rates(3, 0)]}


def probe_test_gradient(ns):
    drop_path = need(ns, "drop_path")
    torch.manual_seed(62)
    p = 0.25
    x = nonzero_input((64, 5), 8).requires_grad_()
    upstream = nonzero_input((64, 5), 18)
    y = drop_path(x, p, True)
    (y * upstream).sum().backward()
    return {"p": p, "y": y.detach(), "upstream": upstream, "grad": x.grad}
