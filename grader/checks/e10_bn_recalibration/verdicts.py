"""Verdicts of e10_bn_recalibration.

dropout_variance is checked against the exact formula. The recalibrated statistics are compared with those the
reference library computes in the judge, on the same model (rebuilt from the state the probe saw) and batches;
recalibration with dropout off is deterministic, so the comparison is exact up to rounding.
"""

import torch
from torch import nn

from dropout_lib.batchnorm import dropout_variance, recalibrate_batchnorm
from grader.checks.verdict_common import probe_definitions

REMOVE_LIBRARY_DROPOUT = False  # the exercise uses PyTorch's dropout layers; it does not implement one
ALLOWED_NAMES = {"Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "dropout", "_DropoutNd",
                 "_BatchNorm"}


def close(a, b):
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


def verdict_test_dropout_variance(obs):
    cases = list(zip(obs["cases"], obs["results"]))
    for (c, v, p), (status, got) in cases:
        if status != "ok":
            continue
        assert len(got) == 2, "dropout_variance returns a pair (train_var, test_var)"
        train, test = dropout_variance(c, v, p)
        what = f"dropout_variance({c}, {v}, {p})"
        if not close(got[1], test):
            if close(got[0], test) and close(got[1], train):
                raise AssertionError(f"{what}: return (train_var, test_var) in this order")
            raise AssertionError(
                f"{what}: at inference dropout is off, so the variance is the input's, {test}, not {got[1]:.6f}")
        if close(got[0], train):
            continue
        if p != 0 and c != 0 and close(got[0], v / (1 - p)):
            raise AssertionError(f"{what}: the training variance depends on the mean too: E[y^2] = (c^2 + v)/(1-p), "
                                 "and Var = E[y^2] - c^2")
        if p != 0 and c != 0 and close(got[0], (c * c + v) / (1 - p)):
            raise AssertionError(f"{what}: (c^2 + v)/(1-p) is E[y^2], the second moment; the variance subtracts the "
                                 "squared mean c^2")
        if p not in (0, 0.5) and close(got[0], (c * c + v) / p - c * c):
            raise AssertionError(f"{what}: p is the drop probability; inverted dropout divides by the keep "
                                 "probability 1-p")
        raise AssertionError(f"{what} should give a training variance of (c^2 + v)/(1-p) - c^2 = {train:.6f}, "
                             f"not {got[0]:.6f}")
    for (c, v, p), (status, message) in cases:
        assert status == "ok", f"dropout_variance({c}, {v}, {p}) raised {status}: {message}"


def probe_model(name, state):
    """The probe's model ``name`` (built by the probe's own code) with the state ``state``."""
    with torch.random.fork_rng():  # building it draws random numbers: leave the judge's generator as it was
        model = probe_definitions("e10_bn_recalibration")[name]()
    model.load_state_dict(state)
    return model


def statistics(model):
    return {k: v for k, v in model.state_dict().items() if "running_mean" in k or "running_var" in k}


def matches(got, expected):
    return all(torch.allclose(got[k], v, rtol=1e-4, atol=1e-5) for k, v in expected.items())


@torch.no_grad()
def simulated(name, state, batches, *, reset, cumulative):
    """The statistics after passing ``batches`` with batch norm alone in training mode, with or without resetting
    them first and setting momentum to None: what two common mistakes give."""
    model = probe_model(name, state)
    model.eval()
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            if reset:
                m.reset_running_stats()
            if cumulative:
                m.momentum = None
            m.train()
    for batch in batches:
        model(batch)
    return statistics(model)


def check_recalibrated(name, run, kind):
    model = probe_model(name, run["state_before"])
    recalibrate_batchnorm(model, run["batches"])
    expected, before = statistics(model), {k: run["state_before"][k] for k in statistics(model)}
    changed = [k for k, _ in model.named_parameters() if not torch.equal(run["state_after"][k], run["state_before"][k])]
    assert not changed, (
        f"in the {kind} model recalibration changed {', '.join(changed)}: it must not change the parameters "
        "(reset_running_stats() resets the statistics alone; reset_parameters() resets batch norm's weight and bias "
        "too)")
    got = {k: run["state_after"][k] for k in expected}
    if matches(got, expected):
        return
    if matches(got, before):
        raise AssertionError(
            f"in the {kind} model the running statistics did not change: reset them, and put every batch-norm layer "
            f"({', '.join(sorted({type(m).__name__ for m in model.modules() if 'BatchNorm' in type(m).__name__}))}) "
            "in training mode while the batches pass")
    if matches(got, simulated(name, run["state_before"], run["batches"], reset=False, cumulative=True)):
        raise AssertionError(
            f"in the {kind} model the old statistics still count: call reset_running_stats() on each batch-norm "
            "layer first, so that the cumulative average starts afresh")
    if matches(got, simulated(name, run["state_before"], run["batches"], reset=True, cumulative=False)):
        raise AssertionError(
            f"in the {kind} model the statistics are an exponential moving average: set each batch-norm layer's "
            "momentum to None during the passes, so that every batch counts equally (a cumulative average)")
    raise AssertionError(
        f"in the {kind} model the running statistics must be the cumulative average over the batches with dropout "
        "off: reset them, set momentum=None, put the model in eval mode and only batch norm in training mode")


def verdict_test_recalibrated_statistics(obs):
    check_recalibrated("dense_model", obs["dense"], "dense (BatchNorm1d)")
    check_recalibrated("conv_model", obs["conv"], "convolutional (Dropout2d, BatchNorm2d)")


def verdict_test_restores_everything(obs):
    run = obs["mixed"]
    assert run["modes_after"] == run["modes_before"], (
        "every module's train/eval mode must be restored, each to its own (the model was in a mixed state; "
        "model.train(was) sets all modules alike)")
    assert run["momenta"] == run["momenta_before"], (
        f"each batch-norm layer's momentum must be restored: expected {run['momenta_before']}, got {run['momenta']}")
    for key, before in run["params_before"].items():
        assert torch.equal(run["params_after"][key], before), f"{key} changed: recalibration must not train parameters"
    assert run["flags_after"] == run["flags_before"], "the parameters' requires_grad flags must not change"
    assert not any(run["grads"]), "no gradient may reach the parameters: run the passes under torch.no_grad()"
    run = obs["eval"]
    assert not any(run["modes_after"]), "a model in evaluation mode must be back in evaluation mode afterwards"
    assert run["momenta"] == run["momenta_before"], (
        f"each momentum must be restored: expected {run['momenta_before']}, got {run['momenta']}")
