# Probes of e01_inverted_dropout (the shared helpers of probe_common.py come first).


def inputs(n, seed, dtype=np.float64):
    return (np.random.default_rng(seed).uniform(0.5, 2.0, n) * np.where(np.arange(n) % 2, 1, -1)).astype(dtype)


def probe_test_forward(ns):
    Dropout = need(ns, "Dropout")
    out = {"runs": []}
    for p in (0.3, 0.5):
        x = inputs(2000, 1)
        x_before = x.copy()
        layer = Dropout(p, rng=np.random.default_rng(7))
        out["runs"].append({"p": p, "x": x, "y1": np.asarray(layer.forward(x)), "y2": np.asarray(layer.forward(x)),
                            "x_after": x, "x_before": x_before})
    x32 = inputs(12, 2, np.float32).reshape(3, 4)
    y32 = np.asarray(Dropout(0.5, rng=np.random.default_rng(0)).forward(x32))
    out["dtype"], out["shape"] = str(y32.dtype), list(y32.shape)
    same_a = np.asarray(Dropout(0.5, rng=np.random.default_rng(3)).forward(inputs(500, 3)))
    same_b = np.asarray(Dropout(0.5, rng=np.random.default_rng(3)).forward(inputs(500, 3)))
    out["same_rng"] = [same_a, same_b]
    return out


def probe_test_drop_fraction(ns):
    Dropout = need(ns, "Dropout")
    runs = [{"p": p, "y": np.asarray(Dropout(p, rng=np.random.default_rng(11)).forward(np.ones(200_000)))}
            for p in (0.2, 0.5, 0.8)]
    # a batch (rows) of features (columns): every element needs its own coin, the rows' masks included
    batch = {"p": 0.5, "y": np.asarray(Dropout(0.5, rng=np.random.default_rng(12)).forward(np.ones((400, 500))))}
    return {"runs": runs, "batch": batch}


def probe_test_backward(ns):
    Dropout = need(ns, "Dropout")
    p = 0.4
    layer = Dropout(p, rng=np.random.default_rng(5))
    x = inputs(3000, 4)
    g = inputs(3000, 6)
    y1 = np.asarray(layer.forward(x))
    g1 = np.asarray(layer.backward(g))
    g1_again = np.asarray(layer.backward(g))
    y2 = np.asarray(layer.forward(x))
    g2 = np.asarray(layer.backward(g))
    return {"p": p, "x": x, "g": g, "y1": y1, "g1": g1, "g1_again": g1_again, "y2": y2, "g2": g2}


def probe_test_eval_mode(ns):
    Dropout = need(ns, "Dropout")
    layer = Dropout(0.5, rng=np.random.default_rng(0))
    trained_flag = layer.training
    x = inputs(1000, 8)
    layer.forward(x)
    layer.backward(x)  # a training step first: evaluation mode must not use its mask
    layer.training = False
    return {"training_after_init": trained_flag, "x": x, "y": np.asarray(layer.forward(x)),
            "g": np.asarray(layer.backward(x))}


def probe_test_edge_cases(ns):
    Dropout = need(ns, "Dropout")
    out = {}
    x = inputs(1000, 9)
    out["p0"] = np.asarray(Dropout(0.0, rng=np.random.default_rng(0)).forward(x))
    out["x"] = x

    def at_p1():
        layer = Dropout(1.0, rng=np.random.default_rng(0))
        return np.asarray(layer.forward(x)), np.asarray(layer.backward(x))

    (out["p1"], out["p1_grad"]), out["p1_warnings"] = catch_warnings_of(at_p1)
    out["errors"] = {str(bad): outcome(lambda: Dropout(bad))[0] for bad in (-0.1, 1.5)}
    layer = Dropout(0.25)
    out["attributes"] = {"given_p": 0.25, "p": float(layer.p), "has_rng": isinstance(layer.rng, np.random.Generator)}
    return out


def probe_test_standard_dropout(ns):
    standard_dropout = need(ns, "standard_dropout")
    p = 0.3
    x = inputs(200_000, 12)
    x_before = x.copy()
    train = np.asarray(standard_dropout(x, p, True, rng=np.random.default_rng(1)))
    infer = np.asarray(standard_dropout(x, p, False))
    default_rng = np.asarray(standard_dropout(x[:100], p, True))
    return {"p": p, "x": x, "train": train, "infer": infer, "x_after": x, "x_before": x_before,
            "default_rng": default_rng}
