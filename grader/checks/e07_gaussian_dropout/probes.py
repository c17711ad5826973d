# Probes of e07_gaussian_dropout (the shared helpers of probe_common.py come first).


def probe_test_noise_moments(ns):
    gaussian_dropout = need(ns, "gaussian_dropout")
    return {f"p{p}": gaussian_dropout(torch.ones(400_000, dtype=torch.float64), p, True) for p in (0.2, 0.5)}


def probe_test_noise_is_gaussian(ns):
    gaussian_dropout = need(ns, "gaussian_dropout")
    x = nonzero_input((100_000,), 9)
    before = x.clone()
    y = gaussian_dropout(x, 0.5, True)
    return {"x": x, "y": y, "unchanged": bool(torch.equal(x, before))}


def probe_test_eval_and_edge_cases(ns):
    gaussian_dropout = need(ns, "gaussian_dropout")
    x = nonzero_input((500,), 10).requires_grad_()
    y = gaussian_dropout(x, 0.3, True)
    y.sum().backward()
    xd = x.detach()
    return {"x": xd, "y": y.detach(), "grad": x.grad, "eval": gaussian_dropout(xd, 0.3, False),
            "p0": gaussian_dropout(xd, 0.0, True), "default_training": gaussian_dropout(xd, 0.5),
            "float32_dtype": str(gaussian_dropout(xd.float(), 0.3, True).dtype)}
