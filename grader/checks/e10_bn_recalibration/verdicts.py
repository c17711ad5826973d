"""Verdicts of e10_bn_recalibration."""

import torch
from torch import nn

from dropout_lib.batchnorm import dropout_variance, recalibrate_batchnorm

REMOVE_LIBRARY_DROPOUT = False  # the exercise uses PyTorch's dropout layers; it does not implement one
ALLOWED_NAMES = {"Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "dropout", "_DropoutNd",
                 "_BatchNorm"}


def verdict_test_dropout_variance(obs):
    for (mean, var, p), got in zip(obs["cases"], obs["results"]):
        train, test = dropout_variance(mean, var, p)
        assert abs(got[1] - test) < 1e-12, "at inference dropout is off: the variance is the input's variance"
        if abs(got[0] - (var / (1 - p))) < 1e-9 and abs(train - var / (1 - p)) > 1e-9:
            raise AssertionError("the training variance depends on the mean too: (mean^2 + var)/(1-p) - mean^2")
        assert abs(got[0] - train) < 1e-9, (
            f"dropout_variance({mean}, {var}, {p}) should give a training variance of {train:.6f}, not {got[0]:.6f}")


def reference_model(state):
    model = nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Dropout(0.5), nn.BatchNorm1d(16, momentum=0.3),
                          nn.Linear(16, 8), nn.Dropout(0.2), nn.BatchNorm1d(8))
    model.load_state_dict(state)
    return model.train()


def verdict_test_recalibrated_statistics(obs):
    expected = reference_model(obs["state_before"])
    recalibrate_batchnorm(expected, obs["batches"])
    after = obs["state_after"]
    for key, value in expected.state_dict().items():
        if "running_mean" in key or "running_var" in key:
            got = after[key]
            assert torch.allclose(got, value, rtol=1e-4, atol=1e-5), (
                f"{key}: the running statistics must be the cumulative average over the batches, with dropout off "
                "(set momentum=None after reset_running_stats, put only batch norm in training mode)")


def verdict_test_restores_everything(obs):
    assert obs["modes_after"] == obs["modes_before"], "every module's train/eval mode must be restored"
    assert obs["momenta"] == [0.3, None], "each batch-norm layer's momentum must be restored"
    for key, before in obs["params_before"].items():
        assert torch.equal(obs["params_after"][key], before), f"{key} changed: recalibration must not train parameters"
