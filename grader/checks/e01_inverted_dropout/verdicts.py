"""Verdicts of e01_inverted_dropout: they run in the judge, never beside the submission."""

import math

import numpy as np
import torch

from grader.checks.mask_verdicts import assert_independent
from grader.checks.verdict_common import Z, assert_fraction


def check_inverted(x, y, p, what):
    assert y.shape == x.shape, f"{what}: the output has shape {y.shape}, the input {x.shape}; they must match"
    kept = y != 0
    assert kept.any() and (~kept).any(), f"{what}: with p={p} some elements must be dropped and some kept"
    ratio = y[kept] / x[kept]
    if np.allclose(ratio, 1 / (1 - p), rtol=1e-6, atol=0):
        return
    if np.allclose(ratio, 1 / p):
        raise AssertionError(f"{what}: survivors must be scaled by 1/(1-p), not 1/p")
    if np.allclose(ratio, 1.0):
        raise AssertionError(f"{what}: survivors must be scaled by 1/(1-p); they were not scaled at all")
    assert np.allclose(ratio, 1 / (1 - p), rtol=1e-6, atol=0), f"{what}: survivors must be x / (1-p) exactly"


def verdict_test_forward(obs):
    for run in obs["runs"]:
        p = run["p"]
        check_inverted(run["x"], run["y1"], p, f"forward with p={p}")
        check_inverted(run["x"], run["y2"], p, f"second forward with p={p}")
        assert not np.array_equal(run["y1"] != 0, run["y2"] != 0), "every forward call must draw a new mask"
        assert np.array_equal(run["x_after"], run["x_before"]), "forward must not modify its input"
    assert obs["dtype"] == "float32", f"a float32 input must give a float32 output, not {obs['dtype']}"
    assert obs["shape"] == [3, 4], "the output must keep the input's shape"
    a, b = obs["same_rng"]
    assert np.array_equal(a != 0, b != 0), "the mask must be drawn from self.rng: two layers with equally seeded " \
                                           "generators must drop the same elements"


def verdict_test_drop_fraction(obs):
    for run in obs["runs"]:
        p, y = run["p"], run["y"]
        assert_fraction(float((y == 0).mean()), p, y.size, f"with p={p} the fraction of dropped elements")
        std = math.sqrt(p / (1 - p))
        se = std / math.sqrt(y.size)
        assert abs(y.mean() - 1) <= Z * se, f"with p={p} the output's mean is {y.mean():.4f}; inverted dropout keeps it 1"
    batch = obs["batch"]
    kept = torch.from_numpy(batch["y"] != 0)
    assert_independent(kept[0::2], kept[1::2], batch["p"], "the agreement between the masks of two rows of a batch",
                       "each row of a batch needs its own mask: yours drops the same features in every row (draw the "
                       "mask with the input's whole shape)")


def verdict_test_backward(obs):
    p = obs["p"]
    for y, g_in, name in ((obs["y1"], obs["g1"], "first"), (obs["y2"], obs["g2"], "second")):
        mask = y != 0
        expected = np.where(mask, obs["g"] / (1 - p), 0.0)
        assert g_in.shape == obs["g"].shape, "backward must return a gradient shaped like grad_output"
        if np.allclose(g_in, obs["g"] * mask):
            raise AssertionError("backward must scale the gradient by 1/(1-p), as forward scaled the survivors")
        assert np.allclose(g_in, expected, rtol=1e-6, atol=0), (
            f"after the {name} forward, backward must apply that forward's mask and scale 1/(1-p)")
    assert np.array_equal(obs["g1"], obs["g1_again"]), "backward must not draw a new mask"


def verdict_test_eval_mode(obs):
    assert obs["training_after_init"] is True, "a new layer must be in training mode (training = True)"
    assert np.array_equal(obs["y"], obs["x"]), "in evaluation mode (training = False) forward is the identity"
    assert np.array_equal(obs["g"], obs["x"]), "in evaluation mode (training = False) backward is the identity"


def verdict_test_edge_cases(obs):
    assert np.array_equal(obs["p0"], obs["x"]), "p=0 must return the input unchanged"
    assert np.array_equal(obs["p1"], np.zeros_like(obs["x"])), "p=1 must return zeros (no NaN)"
    assert np.array_equal(obs["p1_grad"], np.zeros_like(obs["x"])), "p=1 must give a zero gradient (no NaN)"
    assert not obs["p1_warnings"], f"p=1 must not warn (divide by zero?): {obs['p1_warnings'][0]}"
    for bad, outcome in obs["errors"].items():
        gave = "no error" if outcome == "ok" else outcome
        assert outcome == "ValueError", f"Dropout({bad}) must raise ValueError, but gave: {gave}"
    assert obs["attributes"]["p"] == obs["attributes"]["given_p"], "the layer must keep its rate in the attribute p"
    assert obs["attributes"]["has_rng"], "with rng=None the layer must create np.random.default_rng()"


def verdict_test_standard_dropout(obs):
    x, train, infer, p = obs["x"], obs["train"], obs["infer"], obs["p"]
    assert np.array_equal(obs["x_after"], obs["x_before"]), "standard_dropout must not modify its input"
    kept = train != 0
    assert np.array_equal(train[kept], x[kept]), "in training, standard dropout does not rescale the survivors"
    assert_fraction(float((~kept).mean()), p, x.size, "the fraction of dropped elements")
    if np.allclose(infer, p * x):
        raise AssertionError("at inference, scale by the keep probability 1-p, not by the drop rate p")
    assert np.allclose(infer, (1 - p) * x, rtol=1e-12, atol=0), "at inference, standard dropout returns (1-p) * x"
    assert obs["default_rng"].shape == (100,), "with rng=None a default generator must be used"
