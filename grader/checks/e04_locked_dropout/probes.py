# Probes of e04_locked_dropout (the shared helpers of probe_common.py come first).


def probe_test_same_mask_over_time(ns):
    LockedDropout = need(ns, "LockedDropout")
    out = {}
    for batch_first in (False, True):
        shape = (40, 30, 16) if batch_first else (30, 40, 16)
        x = nonzero_input(shape, 5)
        before = x.clone()
        y = LockedDropout(0.4, batch_first=batch_first)(x)
        out[str(batch_first)] = {"x": x, "y": y, "unchanged": bool(torch.equal(x, before))}
    return out


def probe_test_drop_fraction(ns):
    LockedDropout = need(ns, "LockedDropout")
    return {"y": LockedDropout(0.5)(torch.ones(3, 4000, 8, dtype=torch.float64))}


def probe_test_eval_and_gradient(ns):
    LockedDropout = need(ns, "LockedDropout")
    layer = LockedDropout(0.5)
    x = nonzero_input((5, 6, 7), 6).requires_grad_()
    y = layer(x)
    y.sum().backward()
    layer.eval()
    xd = x.detach()
    return {"x": xd, "y": y.detach(), "grad": x.grad, "eval": layer(xd),
            "default_p": LockedDropout()(torch.ones(2, 2000, 4, dtype=torch.float64))}
