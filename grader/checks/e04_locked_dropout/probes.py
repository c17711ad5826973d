# Probes of e04_locked_dropout (the shared helpers of probe_common.py come first).


def probe_test_same_mask_over_time(ns):
    LockedDropout = need(ns, "LockedDropout")
    torch.manual_seed(40)
    p = 0.4
    out = {}
    for batch_first in (False, True):
        shape = (40, 30, 16) if batch_first else (30, 40, 16)
        x = nonzero_input(shape, 5)
        before = x.clone()
        y = LockedDropout(p, batch_first=batch_first)(x)
        out[str(batch_first)] = {"x": x, "y": y, "unchanged": bool(torch.equal(x, before))}
    x = nonzero_input((12, 50, 8), 15)
    out["default"] = {"x": x, "y": LockedDropout(p)(x)}
    return {"p": p, "layouts": out}


def probe_test_drop_fraction(ns):
    LockedDropout = need(ns, "LockedDropout")
    torch.manual_seed(41)
    p = 0.3
    layer = LockedDropout(p)
    ones = lambda: torch.ones(3, 4000, 8, dtype=torch.float64)  # noqa: E731  (fresh every call)
    return {"p": p, "y": layer(ones()), "again": layer(ones()),
            "default_rate": 0.5, "default_p": LockedDropout()(ones())}


def probe_test_gradient(ns):
    LockedDropout = need(ns, "LockedDropout")
    torch.manual_seed(42)
    p = 0.25
    layer = LockedDropout(p)
    x = nonzero_input((5, 6, 7), 6).requires_grad_()
    upstream = nonzero_input((5, 6, 7), 16)
    y = layer(x)
    (y * upstream).sum().backward()
    return {"p": p, "y": y.detach(), "upstream": upstream, "grad": x.grad}


def probe_test_eval_and_edge_cases(ns):
    LockedDropout = need(ns, "LockedDropout")
    torch.manual_seed(43)
    x = nonzero_input((5, 6, 7), 7)
    layer = LockedDropout(0.5)
    out = {"x": x, "is_module": isinstance(layer, torch.nn.Module), "training": layer.training}
    layer.eval()
    out["eval"] = layer(x)
    out["eval_batch_first"] = LockedDropout(0.5, batch_first=True).eval()(x)
    out["p0"] = LockedDropout(0.0)(x)
    out["p1"], out["p1_warnings"] = catch_warnings_of(lambda: LockedDropout(1.0)(x))
    out["float32"] = LockedDropout(0.5)(x.float())
    out["unchanged"] = bool(torch.equal(x, nonzero_input((5, 6, 7), 7)))
    return out
