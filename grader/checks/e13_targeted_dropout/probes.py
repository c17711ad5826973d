# Probes of e13_targeted_dropout (the shared helpers of probe_common.py come first).


def spread_weight(shape, seed):
    """A weight with no zeros and no ties whose rows have very different scales (from 1/8 to 8), so that the
    smallest weights of each row differ from the smallest of each column or of the whole matrix."""
    scales = 2.0 ** torch.linspace(-3, 3, shape[0], dtype=torch.float64)
    order = torch.randperm(shape[0], generator=torch.Generator().manual_seed(seed))
    return nonzero_input(shape, seed) * scales[order].unsqueeze(1)


def probe_test_candidates(ns):
    targeted_dropout = need(ns, "targeted_dropout")
    torch.manual_seed(130)
    runs = []
    for shape, fraction, seed in (((24, 40), 0.25, 1), ((24, 40), 0.5, 2), ((40, 24), 0.75, 3)):
        weight = spread_weight(shape, seed)
        calls = [targeted_dropout(weight, 0.5, fraction) for _ in range(40)]
        runs.append({"weight": weight, "drop_rate": 0.5, "fraction": fraction, "calls": calls})
    return {"runs": runs}


def probe_test_training_drops(ns):
    targeted_dropout = need(ns, "targeted_dropout")
    torch.manual_seed(131)
    weight = spread_weight((30, 40), 4)
    calls = [targeted_dropout(weight, 0.3, 0.5) for _ in range(60)]
    defaults = [targeted_dropout(weight) for _ in range(20)]
    return {"weight": weight, "drop_rate": 0.3, "fraction": 0.5, "calls": calls, "defaults": defaults,
            "unchanged": bool(torch.equal(weight, spread_weight((30, 40), 4)))}


def probe_test_eval_and_edge_cases(ns):
    targeted_dropout = need(ns, "targeted_dropout")
    torch.manual_seed(132)
    weight = spread_weight((20, 32), 5)
    out = {"weight": weight, "drop_rate": 0.5, "fraction": 0.75}
    out["eval"] = [targeted_dropout(weight, 0.5, 0.75, training=False) for _ in range(3)]
    out["eval_positional"] = targeted_dropout(weight, 0.5, 0.75, False)
    out["training_default"] = targeted_dropout(weight, 1.0, 0.75)
    out["no_drop_rate"] = targeted_dropout(weight, 0.0, 0.75)
    out["no_candidates"] = targeted_dropout(weight, 1.0, 0.0)
    out["everything"] = targeted_dropout(weight, 1.0, 1.0)
    out["float32"] = targeted_dropout(weight.float(), 0.5, 0.5)
    out["unchanged"] = bool(torch.equal(weight, spread_weight((20, 32), 5)))
    bad = {"drop_rate": (1.5, -0.1), "targeted_fraction": (1.2, -0.5)}
    call = lambda name, value: lambda: targeted_dropout(weight, **{name: value})  # noqa: E731
    out["errors"] = {f"{name}={value}": outcome(call(name, value)) for name, values in bad.items() for value in values}
    return out


def probe_test_gradient(ns):
    targeted_dropout = need(ns, "targeted_dropout")
    torch.manual_seed(133)
    weight, upstream = spread_weight((10, 16), 6), nonzero_input((10, 16), 7)

    def gradient(training):
        leaf = weight.clone().requires_grad_()
        result = targeted_dropout(leaf, 0.5, 0.5, training=training)
        (result * upstream).sum().backward()
        return {"result": result.detach(), "grad": leaf.grad}

    return {"weight": weight, "fraction": 0.5, "upstream": upstream, "training": outcome(lambda: gradient(True)),
            "eval": outcome(lambda: gradient(False))}
