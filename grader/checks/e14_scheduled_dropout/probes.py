# Probes of e14_scheduled_dropout (the shared helpers of probe_common.py come first).


def probe_test_curriculum_rate(ns):
    curriculum_rate = need(ns, "curriculum_rate")
    # (step, gamma, final_keep)
    settings = [(0, 1e-3, 0.5), (1000, 1e-3, 0.5), (250, 4e-3, 0.75), (5000, 1e-3, 0.9), (10**6, 1e-3, 0.75),
                (300, 0.0, 0.5), (700, 2e-3, 0.0), (700, 2e-3, 1.0), (3, 0.5, 0.2)]
    bad = [(-1, 1e-3, 0.5), (10, -1e-3, 0.5), (10, 1e-3, 1.5), (10, 1e-3, -0.2)]
    call = lambda args: lambda: curriculum_rate(*args)  # noqa: E731
    return {"settings": settings, "values": [outcome(call(args)) for args in settings],
            "defaults": {"step": 1500, "value": outcome(lambda: curriculum_rate(1500))},
            "bad": bad, "errors": [outcome(call(args)) for args in bad]}


def state(layer):
    return {"steps_taken": layer.steps_taken, "p": layer.p}


def probe_test_schedule(ns):
    ScheduledDropout = need(ns, "ScheduledDropout")
    torch.manual_seed(140)
    schedule = lambda step: 0.6 * (1 - 0.7 ** step)  # noqa: E731
    layer = ScheduledDropout(schedule)
    table = [schedule(step) for step in range(40)]
    x = nonzero_input((4, 5), 1)
    out = {"table": table, "is_module": isinstance(layer, torch.nn.Module), "training": layer.training,
           "states": [state(layer)], "steps_before_forward": 5}
    for _ in range(out["steps_before_forward"]):
        layer.step()
        out["states"].append(state(layer))
    for _ in range(4):
        layer(x)
    out["after_forward"] = state(layer)
    layer.eval()
    layer(x)
    out["after_eval_forward"] = state(layer)
    layer.train()
    for _ in range(3):
        layer.step()
        out["states"].append(state(layer))
    return out


def probe_test_dropout(ns):
    ScheduledDropout = need(ns, "ScheduledDropout")
    torch.manual_seed(141)
    rates = [0.0, 0.3, 0.6]
    layer = ScheduledDropout(lambda step: rates[min(step, len(rates) - 1)])
    x = nonzero_input((200, 100), 2)
    runs = []
    for p in rates:
        runs.append({"p": p, "y": layer(x), "again": layer(x)})
        layer.step()
    leaf, upstream = x.clone().requires_grad_(), nonzero_input((200, 100), 3)
    y = layer(leaf)
    (y * upstream).sum().backward()
    return {"x": x, "runs": runs, "gradient": {"p": rates[-1], "y": y.detach(), "upstream": upstream,
                                               "grad": leaf.grad}}


def probe_test_eval_and_edge_cases(ns):
    ScheduledDropout = need(ns, "ScheduledDropout")
    torch.manual_seed(142)
    x = nonzero_input((6, 7), 4)
    layer = ScheduledDropout(lambda step: 0.5)
    out = {"x": x, "is_module": isinstance(layer, torch.nn.Module), "training": layer.training}
    layer.eval()
    out["eval"] = [layer(x) for _ in range(2)]
    everything = ScheduledDropout(lambda step: 1.0)
    out["p1"], out["p1_warnings"] = catch_warnings_of(lambda: everything(x))
    out["float32"] = ScheduledDropout(lambda step: 0.5)(x.float())
    out["unchanged"] = bool(torch.equal(x, nonzero_input((6, 7), 4)))
    return out
