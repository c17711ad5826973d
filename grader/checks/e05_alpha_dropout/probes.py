# Probes of e05_alpha_dropout (the shared helpers of probe_common.py come first).


def probe_test_values(ns):
    alpha_dropout = need(ns, "alpha_dropout")
    runs = []
    for p in (0.1, 0.3):
        x = torch.randn(20_000, dtype=torch.float64, generator=torch.Generator().manual_seed(4))
        before = x.clone()
        runs.append({"p": p, "x": x, "y": alpha_dropout(x, p, True), "unchanged": bool(torch.equal(x, before))})
    return runs


def probe_test_moments(ns):
    alpha_dropout = need(ns, "alpha_dropout")
    x = torch.randn(400_000, dtype=torch.float64, generator=torch.Generator().manual_seed(5))
    return {"x": x, "runs": [{"p": p, "y": alpha_dropout(x, p, True)} for p in (0.05, 0.2)]}


def probe_test_eval_and_edge_cases(ns):
    alpha_dropout = need(ns, "alpha_dropout")
    p = 0.2
    x = torch.randn(1000, dtype=torch.float64).requires_grad_()
    y = alpha_dropout(x, p, True)
    outcome(lambda: y.sum().backward())  # an output without a graph leaves x.grad None, which the verdict reports
    return {
        "p": p, "x": x.detach(), "y": y.detach(), "grad": x.grad, "eval": alpha_dropout(x.detach(), p, False),
        "p0": alpha_dropout(x.detach(), 0.0, True),
        "default_training": {"p": 0.5, "y": alpha_dropout(x.detach(), 0.5)},
        "float32_dtype": str(alpha_dropout(x.detach().float(), 0.2, True).dtype),
    }
