# Probes of e08_concrete_dropout (the shared helpers of probe_common.py come first).


def probe_test_parameters(ns):
    ConcreteDropout = need(ns, "ConcreteDropout")
    out = {}
    for init_p in (0.1, 0.3):
        layer = ConcreteDropout(init_p=init_p)
        out[str(init_p)] = {"p": layer.p.detach().clone(), "p_logit": layer.p_logit.detach().clone(),
                            "is_parameter": isinstance(layer.p_logit, torch.nn.Parameter),
                            "registered": [n for n, _ in layer.named_parameters()],
                            "p_is_tensor": isinstance(layer.p, torch.Tensor)}
    default = ConcreteDropout()
    out["default"] = default.p.detach().clone()
    return out


def probe_test_forward_statistics(ns):
    ConcreteDropout = need(ns, "ConcreteDropout")
    out = {}
    for temperature in (0.1, 0.5):
        layer = ConcreteDropout(init_p=0.3, temperature=temperature)
        x = torch.ones(200_000, dtype=torch.float64)
        with torch.no_grad():
            out[str(temperature)] = layer(x)
    return out


def probe_test_gradient_to_rate(ns):
    ConcreteDropout = need(ns, "ConcreteDropout")
    layer = ConcreteDropout(init_p=0.2)
    x = nonzero_input((1000,), 7).requires_grad_()
    (layer(x) ** 2).sum().backward()
    return {"p_logit_grad": layer.p_logit.grad, "x_grad": x.grad}


def probe_test_eval_and_entropy(ns):
    ConcreteDropout = need(ns, "ConcreteDropout")
    layer = ConcreteDropout(init_p=0.3)
    entropy = layer.entropy()
    layer.eval()
    x = nonzero_input((100,), 8)
    return {"x": x, "eval": layer(x), "entropy": entropy.detach() if isinstance(entropy, torch.Tensor) else entropy,
            "p": layer.p.detach().clone()}
