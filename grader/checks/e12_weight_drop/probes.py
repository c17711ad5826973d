# Probes of e12_weight_drop (the shared helpers of probe_common.py come first).


def sequences(steps, batch, input_size, hidden_size, seed):
    """Inputs and initial states, float64, small enough that tanh never saturates (the verdicts invert it)."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(steps, batch, input_size, generator=g, dtype=torch.float64) * 0.5
    h0 = (torch.rand(batch, hidden_size, generator=g, dtype=torch.float64) * 2 - 1) * 0.5
    return x, h0


def weights_of(layer):
    return {"weight_ih": layer.weight_ih.detach().clone(), "weight_hh": layer.weight_hh.detach().clone(),
            "bias": layer.bias.detach().clone()}


def run(layer, x, h0=None):
    outputs, h_last = layer(x) if h0 is None else layer(x, h0)
    return {"outputs": outputs.detach(), "h_T": h_last.detach()}


def probe_test_parameters(ns):
    WeightDropRNN = need(ns, "WeightDropRNN")
    torch.manual_seed(120)
    layer = WeightDropRNN(300, 400, p=0.5)
    return {"sizes": [300, 400], **weights_of(layer), "registered": sorted(n for n, _ in layer.named_parameters()),
            "is_module": isinstance(layer, torch.nn.Module), "training": layer.training}


def probe_test_recurrence(ns):
    WeightDropRNN = need(ns, "WeightDropRNN")
    torch.manual_seed(121)
    layer = WeightDropRNN(5, 12, p=0.0).double()
    x, h0 = sequences(6, 16, 5, 12, seed=1)
    out = {"weights": weights_of(layer), "x": x, "h0": h0}
    with torch.no_grad():
        out["given_h0"] = run(layer, x, h0)
        single = WeightDropRNN(5, 12, p=0.0)
        out["float32"] = {"weights": weights_of(single), "x": x.float(), **run(single, x.float())}
    out["unchanged"] = bool(torch.equal(x, sequences(6, 16, 5, 12, seed=1)[0]))
    return out


def probe_test_weight_mask(ns):
    WeightDropRNN = need(ns, "WeightDropRNN")
    torch.manual_seed(122)
    p, calls = 0.3, 30
    layer = WeightDropRNN(5, 12, p=p).double()
    # 48 sequences >= 12 hidden units: each step's states determine the recurrent weight it used
    x, h0 = sequences(4, 48, 5, 12, seed=2)
    out = {"p": p, "weights": weights_of(layer), "x": x, "h0": h0}
    zeros_h = torch.zeros(48, 12, dtype=torch.float64)
    with torch.no_grad():
        out["calls"] = [layer(x, h0)[0].detach() for _ in range(calls)]
        out["bias_only"] = [layer(torch.zeros(1, 6, 5, dtype=torch.float64), zeros_h[:6])[0] for _ in range(5)]
        out["input_only"] = [layer(x[:1], zeros_h)[0] for _ in range(5)]
        twins_x, twins_h0 = torch.cat([x[:, :24], x[:, :24]], 1), torch.cat([h0[:24], h0[:24]])
        out["twins"] = [layer(twins_x, twins_h0)[0] for _ in range(5)]
        default = WeightDropRNN(5, 12).double()
        out["default"] = {"weights": weights_of(default), "calls": [default(x, h0)[0] for _ in range(10)]}
    out["weights_after"] = weights_of(layer)
    return out


def probe_test_eval_and_edge_cases(ns):
    WeightDropRNN = need(ns, "WeightDropRNN")
    torch.manual_seed(123)
    layer = WeightDropRNN(5, 12, p=0.5).double()
    x, h0 = sequences(5, 16, 5, 12, seed=3)
    out = {"p": 0.5, "x": x, "h0": h0, "weights": weights_of(layer), "is_module": isinstance(layer, torch.nn.Module),
           "training": layer.training}
    layer.eval()
    with torch.no_grad():
        out["eval"] = [run(layer, x, h0) for _ in range(3)]
        p1 = WeightDropRNN(5, 12, p=1.0).double()
        out["p1_weights"] = weights_of(p1)
        out["p1"], out["p1_warnings"] = catch_warnings_of(lambda: run(p1, x, h0))
    construct = lambda p: lambda: WeightDropRNN(5, 12, p=p).training  # noqa: E731  (a bool comes back)
    out["errors"] = {str(p): outcome(construct(p)) for p in (1.5, -0.1)}
    out["accepted"] = {str(p): outcome(construct(p)) for p in (0.0, 1.0)}
    return out


def probe_test_gradients(ns):
    WeightDropRNN = need(ns, "WeightDropRNN")
    torch.manual_seed(124)
    layer = WeightDropRNN(5, 12, p=0.3).double()
    weights = weights_of(layer)
    x, h0 = sequences(3, 24, 5, 12, seed=4)
    upstream, upstream_last = nonzero_input((3, 24, 12), 5), nonzero_input((24, 12), 6)
    outputs, h_last = layer(x, h0)
    ((outputs * upstream).sum() + (h_last * upstream_last).sum()).backward()
    return {"p": 0.3, "weights": weights, "x": x, "h0": h0, "outputs": outputs.detach(), "upstream": upstream,
            "upstream_last": upstream_last,
            "grads": {"weight_ih": layer.weight_ih.grad, "weight_hh": layer.weight_hh.grad, "bias": layer.bias.grad}}
