"""Verdicts of e13_targeted_dropout."""

import math

import torch

from dropout_lib.targeted import targeted_candidates, targeted_dropout
from grader.checks.mask_verdicts import assert_independent
from grader.checks.verdict_common import as_tensor, assert_fraction, expect_error

PER_ROW = ("the candidates are, in each row (output unit), the floor(targeted_fraction * in) weights of smallest "
           "magnitude")


def results(values, weight):
    """The results of several calls as one (calls, out, in) tensor."""
    for value in values:
        assert as_tensor(value, "the result").shape == weight.shape, (
            f"the result must have the weight's shape {tuple(weight.shape)}, not {tuple(value.shape)}")
    return torch.stack(values)


def smallest(magnitude, k, largest=False):
    """The k smallest (or largest) entries of each row of ``magnitude``, as a bool mask."""
    chosen = torch.zeros(magnitude.shape, dtype=torch.bool)
    return chosen.scatter(1, magnitude.topk(k, dim=1, largest=largest).indices, True)


def wrong_candidates(weight, fraction, zeroed, calls):
    """A message naming the usual wrong choice of candidates that ``zeroed`` matches."""
    magnitude = weight.abs()
    rows, columns = weight.shape
    k = math.floor(fraction * columns)
    if torch.equal(zeroed, smallest(magnitude.T, math.floor(fraction * rows)).T):
        return f"{PER_ROW}; yours are chosen in each column"
    whole = smallest(magnitude.reshape(1, -1), math.floor(fraction * weight.numel())).reshape(weight.shape)
    if torch.equal(zeroed, whole):
        return f"{PER_ROW}; yours are the smallest of the whole matrix"
    if torch.equal(zeroed, smallest(magnitude, k, largest=True)):
        return f"{PER_ROW}; yours are the largest"
    expected = targeted_candidates(weight, fraction)
    if (zeroed & ~expected).any():
        return f"only candidates may be dropped ({PER_ROW}); yours also dropped other weights"
    return (f"every candidate must be dropped with probability drop_rate, drawn anew at every call: some candidates "
            f"were never dropped in {calls} calls ({PER_ROW})")


def verdict_test_candidates(obs):
    for run in obs["runs"]:
        weight, fraction = run["weight"], run["fraction"]
        calls = results(run["calls"], weight)
        zeroed = (calls == 0).any(0)  # at drop_rate 0.5 every candidate is dropped in some of the calls
        if not torch.equal(zeroed, targeted_candidates(weight, fraction)):
            raise AssertionError(f"with targeted_fraction={fraction}: "
                                 + wrong_candidates(weight, fraction, zeroed, len(run["calls"])))


def check_training_calls(weight, calls, drop_rate, fraction):
    """The candidates' keep draws of each call, (calls, candidates), after checking each call against the
    reference given those draws."""
    candidates = targeted_candidates(weight, fraction)
    for y in calls:
        kept = y != 0
        if not torch.equal(y[kept], weight[kept]):
            if drop_rate < 1 and torch.allclose(y[kept], weight[kept] / (1 - drop_rate), rtol=1e-9, atol=0):
                raise AssertionError("nothing is rescaled in targeted dropout: a weight that is not dropped keeps its "
                                     "value (no 1/(1-drop_rate))")
            raise AssertionError("a weight that is not dropped must keep its value: nothing is rescaled")
        assert kept[~candidates].all(), f"only candidates may be dropped ({PER_ROW}); yours dropped other weights"
        assert torch.equal(y, targeted_dropout(weight, drop_rate, fraction, mask=kept)), (
            "in training each candidate is zeroed or kept as it is, every other weight is kept")
    return calls[:, candidates] != 0


def verdict_test_training_drops(obs):
    weight, drop_rate, fraction = obs["weight"], obs["drop_rate"], obs["fraction"]
    assert obs["unchanged"], "targeted_dropout must not modify the weight: return a new tensor"
    kept = check_training_calls(weight, results(obs["calls"], weight), drop_rate, fraction)
    assert_independent(kept[0::2], kept[1::2], drop_rate, "the agreement between the draws of two calls",
                       "every call must draw anew which candidates to drop: two calls dropped the same candidates")
    assert_fraction(float((~kept).double().mean()), drop_rate, kept.numel(),
                    f"with drop_rate={drop_rate} the fraction of candidates dropped")
    assert_independent(kept[:, 0::2], kept[:, 1::2], drop_rate, "the agreement between the draws of two candidates",
                       "each candidate must be dropped independently of the others")
    defaults = results(obs["defaults"], weight)
    kept = check_training_calls(weight, defaults, 0.5, 0.5)
    assert_fraction(float((~kept).double().mean()), 0.5, kept.numel(),
                    "with the defaults (drop_rate=0.5, targeted_fraction=0.5) the fraction of candidates dropped")


def verdict_test_eval_and_edge_cases(obs):
    weight, fraction = obs["weight"], obs["fraction"]
    pruned = targeted_dropout(weight, obs["drop_rate"], fraction, training=False)
    for y in obs["eval"] + [obs["eval_positional"]]:
        y = as_tensor(y, "the result")
        if torch.equal(y, weight):
            raise AssertionError("in evaluation every candidate is pruned (zeroed): yours returns the weight unchanged")
        assert torch.equal(y, pruned), (
            f"in evaluation every candidate is zeroed and every other weight kept ({PER_ROW}), with no random draw")
    assert torch.equal(as_tensor(obs["training_default"], "the result"), pruned), (
        "training defaults to True: with drop_rate=1 every candidate is dropped")
    assert torch.equal(as_tensor(obs["no_drop_rate"], "the result"), weight), "with drop_rate=0 nothing is dropped"
    assert torch.equal(as_tensor(obs["no_candidates"], "the result"), weight), (
        "with targeted_fraction=0 there are no candidates: nothing is dropped")
    assert torch.equal(as_tensor(obs["everything"], "the result"), torch.zeros_like(weight)), (
        "with targeted_fraction=1 and drop_rate=1 every weight is a candidate and is dropped")
    assert obs["float32"].dtype == torch.float32, f"the result must keep the weight's dtype, not {obs['float32'].dtype}"
    assert obs["unchanged"], "targeted_dropout must not modify the weight: return a new tensor"
    for call, result in obs["errors"].items():
        expect_error(result, "ValueError", f"targeted_dropout(weight, {call})")


def verdict_test_gradient(obs):
    weight, upstream = obs["weight"], obs["upstream"]
    expected = {"training": None, "eval": ~targeted_candidates(weight, obs["fraction"])}
    for mode, keep in expected.items():
        result = obs[mode]
        assert result[0] == "ok" and result[1]["grad"] is not None, (
            f"the result must be differentiable with respect to weight, in {mode} mode too"
            + ("" if result[0] == "ok" else f" (backward raised {result[0]}: {result[1]})"))
        keep = result[1]["result"] != 0 if keep is None else keep
        assert torch.equal(result[1]["grad"], upstream * keep), (
            f"in {mode} mode the gradient with respect to a weight is the upstream gradient where the weight was "
            "kept and 0 where it was dropped (nothing is rescaled)")
