"""Verdicts of e09_mc_dropout.

The probe records every pass the submission made through the model (input, output, every module's mode, grad mode);
the verdicts check that mean and var are exactly the statistics of those passes, and that their law is the one of
MC dropout: the judge rebuilds the same model and draws many passes with the reference library.
"""

import torch

from dropout_lib.mc import mc_samples
from grader.checks.verdict_common import Z, as_tensor, probe_definitions

REMOVE_LIBRARY_DROPOUT = False  # the exercise uses PyTorch's dropout layers; it does not implement one
ALLOWED_NAMES = {"Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout", "dropout",
                 "_DropoutNd"}
REFERENCE_PASSES = 20_000
DROPOUT_KINDS = {"Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"}


def reference_model(state):
    """The probe's model with the state it had: built by the probe's own code, then given that state."""
    with torch.random.fork_rng():  # building it draws random numbers: leave the judge's generator as it was
        model = probe_definitions("e09_mc_dropout")["build_model"]()
    model.load_state_dict(state)
    return model.eval()


def passes_per_row(inputs, outputs, x, n_samples):
    """The recorded outputs grouped by the row of ``x`` they came from: ``(n_samples, N, *)``, whether the passes
    ran one by one or as one batch of repeated rows, in any order."""
    assert inputs, "mc_predict never called the model"
    fed, got = torch.cat([i.reshape(i.shape[0], -1) for i in inputs]), torch.cat(outputs)
    match = (fed[:, None, :] == x.reshape(x.shape[0], -1)[None]).all(dim=-1)
    assert bool(match.any(dim=1).all()), "mc_predict must feed the model x itself (or copies of its rows)"
    row = match.double().argmax(dim=1)
    counts = torch.bincount(row, minlength=x.shape[0])
    assert bool((counts == n_samples).all()), (
        f"mc_predict must make exactly n_samples={n_samples} stochastic passes over x; the model saw each row "
        f"{sorted(set(counts.tolist()))} times")
    return torch.stack([got[row == i] for i in range(x.shape[0])], dim=1)


def verdict_test_mean_and_variance(obs):
    mean, var = as_tensor(obs["mean"], "mean"), as_tensor(obs["var"], "var")
    x, n = obs["x"], obs["n_samples"]
    samples = passes_per_row(obs["inputs"], obs["outputs"], x, n).double()
    shape = tuple(samples.shape[1:])
    assert tuple(mean.shape) == shape and tuple(var.shape) == shape, (
        f"mean and var must be shaped like model(x), {shape}; yours are {tuple(mean.shape)} and {tuple(var.shape)}")
    mean, var = mean.double(), var.double()
    assert not torch.allclose(samples[0], samples[1]), (
        "the passes must differ: dropout must be active (model.eval() switches it off)")
    assert torch.allclose(mean, samples.mean(0), rtol=1e-4, atol=1e-6), "mean must be the average of the passes"
    population, sample = samples.var(0, correction=0), samples.var(0, correction=1)
    if torch.allclose(var, sample, rtol=1e-4, atol=1e-7) and not torch.allclose(var, population, rtol=1e-4, atol=1e-7):
        raise AssertionError("var must be the population variance (divide by n_samples, not n_samples - 1: "
                             "torch.var(..., correction=0))")
    if torch.allclose(var, population.sqrt(), rtol=1e-4, atol=1e-7):
        raise AssertionError("var must be the variance of the passes, not their standard deviation")
    assert torch.allclose(var, population, rtol=1e-4, atol=1e-6), "var must be the variance of the passes"
    # the law of the passes: MC dropout on the same model, drawn in the judge
    torch.manual_seed(0)
    reference = mc_samples(reference_model(obs["state"]), x, REFERENCE_PASSES, batched=True).double()
    ref_mean, ref_var = reference.mean(0), reference.var(0, correction=0)
    fourth = ((reference - ref_mean) ** 4).mean(0)
    se_mean = (ref_var * (1 / n + 1 / REFERENCE_PASSES)).sqrt()
    se_var = ((fourth - ref_var ** 2).clamp_min(0) * (1 / n + 1 / REFERENCE_PASSES)).sqrt()
    worst_mean = float(((mean - ref_mean).abs() / se_mean).max())
    worst_var = float(((var - ref_var).abs() / se_var).max())
    assert worst_mean <= Z and worst_var <= Z, (
        f"the passes do not follow MC dropout on this model (mean off by up to {worst_mean:.1f}, variance by up to "
        f"{worst_var:.1f} standard errors): only the dropout modules may be in training mode; batch norm must use "
        "its running statistics (model.train() puts it in training mode too)")


def check_modes(run, kinds, start):
    dropout = [kind in DROPOUT_KINDS for kind in kinds]
    norm = [kind.startswith("BatchNorm") for kind in kinds]
    during = run["during"]
    assert during, "mc_predict never called the model"
    for modes in during:
        if any(m for m, b in zip(modes, norm) if b):
            raise AssertionError(
                f"starting from {start}: batch norm was in training mode during the passes; it must stay in evaluation "
                "mode and use its running statistics (model.train() switches it on too)")
        if not all(m for m, d in zip(modes, dropout) if d):
            raise AssertionError(
                f"starting from {start}: every dropout module must be in training mode during the passes "
                "(model.eval() switches dropout off)")
        if any(m for m, d in zip(modes, dropout) if not d):
            raise AssertionError(
                f"starting from {start}: only the dropout modules may be in training mode during the passes; put the "
                "model in eval mode, then switch the dropout modules alone to training mode")
    assert run["after"] == run["before"], (
        f"starting from {start}: every module's train/eval mode must be the same after the call as before; remember "
        "each module's own mode (model.train(was) sets all of them alike)")
    for before, after, name in zip(run["stats_before"], run["stats_after"], ("mean", "var", "count")):
        assert torch.equal(before, after), f"starting from {start}: batch norm's running {name} must not change"


def verdict_test_modes(obs):
    check_modes(obs["from_eval"], obs["kinds"], "a model in evaluation mode")
    check_modes(obs["from_mixed"], obs["kinds"], "a model in a mixed state (some modules in training mode, some not)")
    assert obs["one_row"] == "ok", (
        f"mc_predict on a single input row raised {obs['one_row']}: batch norm must stay in evaluation mode")


def verdict_test_no_gradients(obs):
    assert obs["grad_enabled"], "mc_predict never called the model"
    assert not any(obs["grad_enabled"]), "run the passes under torch.no_grad(): prediction needs no graph"
    assert not obs["mean_requires_grad"] and not obs["var_requires_grad"], "mean and var must not require grad"
    assert obs["flags_after"] == obs["flags_before"], (
        "the parameters' requires_grad flags must not change: use torch.no_grad() instead")
    assert not any(obs["param_grads"]), "no gradient may reach the parameters"


def verdict_test_defaults_and_shapes(obs):
    shape = obs["output_shape"]
    assert obs["mean_shape"] == shape and obs["var_shape"] == shape, (
        f"mean and var are shaped like model(x), {shape}; yours are {obs['mean_shape']} and {obs['var_shape']}")
    fed = torch.cat([i.reshape(i.shape[0], -1) for i in obs["inputs"]]) if obs["inputs"] else torch.zeros(0, 4)
    rows = int(fed.shape[0]) // obs["x"].shape[0]
    assert rows == 50, f"the default is n_samples=50 passes; the model saw {rows}"
    grid = obs["grid_output_shape"]
    assert obs["grid_shapes"] == [grid, grid], (
        f"for a model whose output has shape {tuple(grid)}, mean and var must have that shape too, not "
        f"{obs['grid_shapes']}")
