# Probes of e07_gaussian_dropout (the shared helpers of probe_common.py come first).


def probe_test_noise_moments(ns):
    gaussian_dropout = need(ns, "gaussian_dropout")
    torch.manual_seed(70)
    # an input of halves, not ones: the noise y/x of a layer that adds its noise has the wrong variance
    x = torch.full((400_000,), 0.5, dtype=torch.float64)
    return [{"p": p, "x": x, "y": gaussian_dropout(x, p, True)} for p in (0.2, 0.5)]


def probe_test_noise_is_gaussian(ns):
    gaussian_dropout = need(ns, "gaussian_dropout")
    torch.manual_seed(71)
    p = 0.5
    x = nonzero_input((100_000,), 9)
    y = gaussian_dropout(x, p, True)
    again = gaussian_dropout(x, p, True)
    return {"p": p, "x": x, "y": y, "again": again, "unchanged": bool(torch.equal(x, nonzero_input((100_000,), 9))),
            "matrix": gaussian_dropout(torch.ones(300, 200, dtype=torch.float64), p, True)}


def probe_test_eval_and_edge_cases(ns):
    gaussian_dropout = need(ns, "gaussian_dropout")
    torch.manual_seed(72)
    x = nonzero_input((500,), 10).requires_grad_()
    upstream = nonzero_input((500,), 20)
    y = gaussian_dropout(x, 0.3, True)
    (y * upstream).sum().backward()
    xd = x.detach()
    return {"x": xd, "y": y.detach(), "upstream": upstream, "grad": x.grad, "eval": gaussian_dropout(xd, 0.3, False),
            "p0": gaussian_dropout(xd, 0.0, True), "default_training": gaussian_dropout(xd, 0.5),
            "float32": gaussian_dropout(xd.float(), 0.3, True),
            "shape": list(gaussian_dropout(xd.reshape(20, 25), 0.3).shape)}
