"""Verdicts of e09_mc_dropout."""

import torch

from grader.checks.verdict_common import as_tensor

REMOVE_LIBRARY_DROPOUT = False  # the exercise uses PyTorch's dropout layers; it does not implement one
ALLOWED_NAMES = {"Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout", "dropout",
                 "_DropoutNd"}


def samples_of(outputs, n_samples, n_rows):
    """The passes the model made, as (n_samples, n_rows, K), whether they came one by one or in one batch."""
    stacked = torch.cat(outputs)
    assert stacked.shape[0] == n_samples * n_rows, (
        f"mc_predict must make n_samples={n_samples} stochastic passes over the input; the model saw "
        f"{stacked.shape[0] // max(n_rows, 1)}")
    return stacked.reshape(n_samples, n_rows, -1)


def verdict_test_mean_and_variance(obs):
    mean, var = as_tensor(obs["mean"], "mean"), as_tensor(obs["var"], "var")
    samples = samples_of(obs["outputs"], 7, obs["n_rows"])
    assert not torch.allclose(samples[0], samples[1]), "the passes must differ: dropout must be active"
    assert torch.allclose(mean, samples.mean(0), rtol=1e-5, atol=1e-6), "mean must be the average of the passes"
    population, sample = samples.var(0, correction=0), samples.var(0, correction=1)
    if torch.allclose(var, sample, rtol=1e-5, atol=1e-7) and not torch.allclose(sample, population):
        raise AssertionError("var must be the population variance (divide by n_samples, not n_samples - 1)")
    assert torch.allclose(var, population, rtol=1e-4, atol=1e-6), "var must be the variance of the passes"


def verdict_test_modes(obs):
    assert obs["bn_training"] and not any(obs["bn_training"]), (
        "batch norm must stay in evaluation mode during MC dropout (model.train() also switches batch norm)")
    assert all(obs["dropout_training"]), "dropout must be active during the passes (model.eval() switches it off)"
    assert obs["after"] == obs["before"], "every module's train/eval mode must be the same after the call as before"
    for before, after, name in zip(obs["stats_before"], obs["stats_after"], ("mean", "var", "count")):
        assert torch.equal(before, after), f"batch norm's running {name} must not change"


def verdict_test_no_gradients(obs):
    assert not any(obs["grad_enabled"]), "run the passes under torch.no_grad(): no graph is needed"
    assert not obs["mean_requires_grad"] and not obs["var_requires_grad"], "mean and var must not require grad"


def verdict_test_defaults_and_shapes(obs):
    assert obs["mean_shape"] == [6, 3] and obs["var_shape"] == [6, 3], "mean and var are shaped like model(x)"
    samples_of(obs["outputs"], 50, 6)
