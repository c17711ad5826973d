# Probes of e08_concrete_dropout (the shared helpers of probe_common.py come first).


def rate_of(layer):
    """The layer's p as the judge needs it: the value, and whether it is a tensor that carries a gradient."""
    p = layer.p
    if isinstance(p, torch.Tensor):
        return {"value": p.detach().double().clone(), "is_tensor": True, "requires_grad": bool(p.requires_grad)}
    return {"value": float(p), "is_tensor": False, "requires_grad": False}


def probe_test_parameters(ns):
    ConcreteDropout = need(ns, "ConcreteDropout")
    out = {"runs": []}
    for init_p in (0.1, 0.3, 0.75):
        layer = ConcreteDropout(init_p=init_p)
        p_logit = layer.p_logit
        out["runs"].append({
            "init_p": init_p,
            "rate": rate_of(layer),
            "is_parameter": isinstance(p_logit, torch.nn.Parameter),
            "registered": [name for name, _ in layer.named_parameters()],
            "p_logit": p_logit.detach().double().clone() if isinstance(p_logit, torch.Tensor) else None,
        })
    out["default"] = rate_of(ConcreteDropout())
    layer, new_logit = ConcreteDropout(init_p=0.3), 0.7
    moved = outcome(lambda: layer.p_logit.data.fill_(new_logit))  # p must follow p_logit, e.g. after an optimizer step
    out["after_update"] = {"p_logit": new_logit, "moved": moved[0], "rate": rate_of(layer)}
    return out


def probe_test_forward_statistics(ns):
    ConcreteDropout = need(ns, "ConcreteDropout")
    out = {"runs": []}
    for init_p, temperature in ((0.3, 0.1), (0.3, 0.5), (0.6, None)):
        layer = ConcreteDropout(init_p=init_p) if temperature is None else ConcreteDropout(init_p, temperature)
        with torch.no_grad():
            y = layer(torch.ones(200_000, dtype=torch.float64))
        out["runs"].append({"init_p": init_p, "temperature": 0.1 if temperature is None else temperature, "y": y})
    layer = ConcreteDropout(init_p=0.25)
    x = nonzero_input((40, 50), 5)
    x_before = x.clone()
    with torch.no_grad():
        first, second = layer(x), layer(x)
    out["calls"] = {"init_p": 0.25, "x": x_before, "x_after": x, "first": first, "second": second}
    return out


def probe_test_gradient_to_rate(ns):
    ConcreteDropout = need(ns, "ConcreteDropout")
    layer = ConcreteDropout(init_p=0.2)
    x = torch.ones(50_000, dtype=torch.float64, requires_grad=True)
    y = layer(x)
    (y ** 2).sum().backward()
    grad = layer.p_logit.grad
    return {"y": y.detach(), "x_grad": x.grad, "p_logit_grad": None if grad is None else grad.detach().double(),
            "p_logit": layer.p_logit.detach().double()}


def probe_test_eval_and_entropy(ns):
    ConcreteDropout = need(ns, "ConcreteDropout")
    layer = ConcreteDropout(init_p=0.3)
    x = nonzero_input((30, 20), 8)
    layer.eval()
    evaluated = layer(x)
    layer.train()
    with torch.no_grad():
        trained = layer(x)
    entropies = []
    for init_p in (0.1, 0.3, 0.5, 0.9):
        layer = ConcreteDropout(init_p=init_p)
        entropy = layer.entropy()
        record = {"p_logit": layer.p_logit.detach().double().clone(), "is_tensor": isinstance(entropy, torch.Tensor)}
        if record["is_tensor"]:
            record["value"] = entropy.detach().double().reshape(-1)
            record["backward"] = outcome(lambda: entropy.sum().backward())[0]
            grad = layer.p_logit.grad
            record["grad"] = None if grad is None else grad.detach().double()
        else:
            record["value"] = torch.tensor([float(entropy)], dtype=torch.float64)
        entropies.append(record)
    return {"x": x, "eval": evaluated, "train_again": trained, "entropies": entropies}
