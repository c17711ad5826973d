# Probes of e02_spatial_dropout (the shared helpers of probe_common.py come first).


def probe_test_channel_masks(ns):
    spatial_dropout = need(ns, "spatial_dropout")
    torch.manual_seed(20)
    p, out = 0.3, {}
    for name, shape in (("1d", (64, 16, 7)), ("2d", (32, 16, 5, 4)), ("3d", (8, 8, 3, 4, 2))):
        x = nonzero_input(shape, 1)
        before = x.clone()
        y = spatial_dropout(x, p, True)
        out[name] = {"p": p, "x": x, "y": y, "unchanged": bool(torch.equal(x, before))}
    return out


def probe_test_drop_fraction(ns):
    spatial_dropout = need(ns, "spatial_dropout")
    torch.manual_seed(21)
    ones = lambda: torch.ones(4000, 32, 3, dtype=torch.float64)  # noqa: E731  (fresh every call)
    return [{"p": p, "calls": [spatial_dropout(ones(), p, True) for _ in range(2)]} for p in (0.2, 0.5)]


def probe_test_gradient(ns):
    spatial_dropout = need(ns, "spatial_dropout")
    torch.manual_seed(22)
    x = nonzero_input((16, 8, 4, 4), 2).requires_grad_()
    upstream = nonzero_input((16, 8, 4, 4), 12)
    p = 0.4
    y = spatial_dropout(x, p, True)
    (y * upstream).sum().backward()
    return {"p": p, "x": x.detach(), "y": y.detach(), "upstream": upstream, "grad": x.grad}


def probe_test_eval_and_edge_cases(ns):
    spatial_dropout = need(ns, "spatial_dropout")
    torch.manual_seed(23)
    x = nonzero_input((4, 6, 5, 5), 3)
    p1, p1_warnings = catch_warnings_of(lambda: spatial_dropout(x, 1.0, True))
    return {
        "x": x, "eval": spatial_dropout(x, 0.5, False), "p0": spatial_dropout(x, 0.0, True), "p1": p1,
        "p1_warnings": p1_warnings, "default_training": spatial_dropout(torch.ones(200, 10, 3), 0.5),
        "float32": spatial_dropout(x.float(), 0.5, True),
        "unchanged": bool(torch.equal(x, nonzero_input((4, 6, 5, 5), 3))),
    }
