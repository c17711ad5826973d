# Probes of e03_dropconnect (the shared helpers of probe_common.py come first).


def probe_test_parameters(ns):
    DropConnectLinear = need(ns, "DropConnectLinear")
    torch.manual_seed(30)
    in_features, out_features = 400, 300
    big = DropConnectLinear(in_features, out_features, p=0.5)
    no_bias = DropConnectLinear(4, 3, bias=False)
    return {"in_features": in_features, "out_features": out_features, "weight": big.weight.detach(), "bias": big.bias.detach(),
            "registered": sorted(name for name, _ in big.named_parameters()),
            "is_module": isinstance(big, torch.nn.Module), "training": big.training,
            "no_bias": no_bias.bias is None, "no_bias_registered": sorted(n for n, _ in no_bias.named_parameters())}


def probe_test_shared_mask(ns):
    DropConnectLinear = need(ns, "DropConnectLinear")
    torch.manual_seed(31)
    p = 0.3
    layer = DropConnectLinear(20, 10, p=p).double()
    weight, bias = layer.weight.detach().clone(), layer.bias.detach().clone()
    eye = torch.eye(20, dtype=torch.float64)
    # The rows of the identity reveal the weight one call used: (x @ W_used.T)[i] is column i of W_used.
    with torch.no_grad():
        effective = [layer(eye) - bias for _ in range(300)]
        zeros_in = [layer(torch.zeros(5, 20, dtype=torch.float64)) for _ in range(5)]
        same_rows = layer(torch.ones(64, 20, dtype=torch.float64))
    return {"p": p, "weight": weight, "bias": bias, "effective": torch.stack(effective),
            "zeros_in": torch.stack(zeros_in),
            "same_rows": same_rows, "weight_after": layer.weight.detach().clone(),
            "bias_after": layer.bias.detach().clone()}


def same_parameters(layer, like):
    with torch.no_grad():
        layer.weight.copy_(like.weight)
        layer.bias.copy_(like.bias)
    return layer


def probe_test_eval_and_edge_cases(ns):
    DropConnectLinear = need(ns, "DropConnectLinear")
    torch.manual_seed(32)
    layer = DropConnectLinear(6, 4, p=0.5).double()
    x = nonzero_input((10, 6), 3)
    out = {"p": layer.p, "x": x, "weight": layer.weight.detach().clone(), "bias": layer.bias.detach().clone()}
    with torch.no_grad():
        layer.eval()
        out["eval"] = layer(x)
        p0 = same_parameters(DropConnectLinear(6, 4, p=0.0).double(), layer)
        out["p0"] = p0(x)
        p1 = same_parameters(DropConnectLinear(6, 4, p=1.0).double(), layer)
        out["p1"] = outcome(lambda: catch_warnings_of(lambda: p1(x)))
        single = DropConnectLinear(6, 4, p=0.5)
        out["float32"] = single(x.float())
        out["no_bias_eval"] = DropConnectLinear(6, 4, bias=False).eval()(x.float())
    out["unchanged"] = bool(torch.equal(x, nonzero_input((10, 6), 3)))
    return out


def probe_test_shapes_and_gradients(ns):
    DropConnectLinear = need(ns, "DropConnectLinear")
    torch.manual_seed(33)
    p = 0.5
    layer = DropConnectLinear(5, 3, p=p).double()
    y3 = layer(nonzero_input((2, 7, 5), 4))
    y1 = layer(nonzero_input((5,), 5))
    x = torch.ones(1, 5, dtype=torch.float64, requires_grad=True)
    out = layer(x)
    out.sum().backward()
    no_bias = DropConnectLinear(5, 3, p=0.5, bias=False)
    return {"p": p, "shape3": list(y3.shape), "shape1": list(y1.shape), "out": out.detach(),
            "weight_grad": layer.weight.grad, "bias_grad": layer.bias.grad, "input_grad": x.grad,
            "weight": layer.weight.detach(), "bias": layer.bias.detach(),
            "no_bias_shape": list(no_bias(torch.ones(4, 5)).shape)}
