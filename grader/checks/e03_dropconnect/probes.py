# Probes of e03_dropconnect (the shared helpers of probe_common.py come first).


def probe_test_parameters(ns):
    DropConnectLinear = need(ns, "DropConnectLinear")
    torch.manual_seed(0)
    big = DropConnectLinear(400, 300, p=0.5)
    no_bias = DropConnectLinear(4, 3, bias=False)
    return {"weight": big.weight.detach(), "bias": big.bias.detach(),
            "registered": sorted(name for name, _ in big.named_parameters()),
            "no_bias": no_bias.bias is None, "no_bias_registered": sorted(n for n, _ in no_bias.named_parameters())}


def probe_test_shared_mask(ns):
    DropConnectLinear = need(ns, "DropConnectLinear")
    torch.manual_seed(1)
    layer = DropConnectLinear(20, 10, p=0.3).double()
    weight, bias = layer.weight.detach().clone(), layer.bias.detach().clone()
    eye = torch.eye(20, dtype=torch.float64)
    # Rows of the identity reveal the dropped weight: one call gives one mask, shared by all 20 rows.
    with torch.no_grad():
        effective = [layer(eye) - bias for _ in range(300)]
        zeros_in = [layer(torch.zeros(5, 20, dtype=torch.float64)) for _ in range(5)]
        same_rows = layer(torch.ones(64, 20, dtype=torch.float64))
    return {"weight": weight, "bias": bias, "effective": torch.stack(effective), "zeros_in": torch.stack(zeros_in),
            "same_rows": same_rows}


def probe_test_eval_mode(ns):
    DropConnectLinear = need(ns, "DropConnectLinear")
    torch.manual_seed(2)
    layer = DropConnectLinear(6, 4, p=0.5).double()
    layer.eval()
    x = nonzero_input((10, 6), 3)
    with torch.no_grad():
        return {"x": x, "y": layer(x), "weight": layer.weight.detach(), "bias": layer.bias.detach()}


def probe_test_shapes_and_gradients(ns):
    DropConnectLinear = need(ns, "DropConnectLinear")
    torch.manual_seed(3)
    layer = DropConnectLinear(5, 3, p=0.5).double()
    y3 = layer(nonzero_input((2, 7, 5), 4))
    x = torch.ones(1, 5, dtype=torch.float64)
    out = layer(x)
    out.sum().backward()
    return {"shape3": list(y3.shape), "out": out.detach(), "weight_grad": layer.weight.grad,
            "bias_grad": layer.bias.grad, "weight": layer.weight.detach(), "bias": layer.bias.detach()}
