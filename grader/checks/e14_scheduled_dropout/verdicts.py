"""Verdicts of e14_scheduled_dropout."""

import math
import numbers

import torch

from dropout_lib.dropout import dropout
from dropout_lib.scheduled import curriculum_rate
from grader.checks.mask_verdicts import assert_independent
from grader.checks.verdict_common import (as_tensor, assert_all_dropped_at_p1, assert_fraction, check_survivor_scale,
                                          expect_error)


def number(value, what):
    """A float from a Python number or a one-element tensor."""
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        return float(value)
    assert isinstance(value, numbers.Real) and not isinstance(value, bool), (
        f"{what} must be a number, but it is {type(value).__name__}")
    return float(value)


def close(a, b):
    """Equal up to float32 arithmetic; the mistakes these checks name differ by far more."""
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def verdict_test_curriculum_rate(obs):
    for (step, gamma, keep), result in zip(obs["settings"], obs["values"]):
        call = f"curriculum_rate({step}, gamma={gamma}, final_keep={keep})"
        assert result[0] == "ok", f"{call} raised {result[0]}: {result[1]}"
        value, expected = number(result[1], f"{call}'s result"), curriculum_rate(step, gamma, keep)
        if close(value, expected):
            continue
        decay = math.exp(-gamma * step)
        if close(value, 1 - expected):
            raise AssertionError(f"{call} returned the keep probability θ + (1 - θ)e^(-γt) = {value:.6f}: return "
                                 f"the drop rate, one minus it ({expected:.6f})")
        if close(value, keep * (1 - decay)):
            raise AssertionError(f"final_keep is the keep probability reached at the end, so the rate tends to "
                                 f"1 - final_keep: {call} must be {expected:.6f}, not {value:.6f}")
        raise AssertionError(f"{call} must be (1 - final_keep)(1 - exp(-gamma·step)) = {expected:.6f}, not {value}")
    default = obs["defaults"]
    assert default["value"][0] == "ok", f"curriculum_rate({default['step']}) raised {default['value'][0]}"
    expected = curriculum_rate(default["step"])
    assert close(number(default["value"][1], "the rate"), expected), (
        f"the defaults are gamma=1e-3 and final_keep=0.5: curriculum_rate({default['step']}) must be {expected:.6f}")
    for (step, gamma, keep), result in zip(obs["bad"], obs["errors"]):
        expect_error(result, "ValueError", f"curriculum_rate({step}, gamma={gamma}, final_keep={keep})")


def check_states(states, table, first_step):
    """Each state after ``first_step + i`` steps must have that many steps taken and p = schedule(steps taken)."""
    previous = None
    for taken, current in enumerate(states, start=first_step):
        steps = number(current["steps_taken"], "steps_taken")
        assert steps == taken, (
            f"each call of step() advances steps_taken by one: after {taken} steps it must be {taken}, not {steps}")
        p = number(current["p"], "p")
        if previous is not None and close(p, previous) and not close(table[taken], previous):
            raise AssertionError("step() must update the rate: p = schedule(steps_taken) after every step")
        assert close(p, table[taken]), f"after {taken} steps p must be schedule({taken}) = {table[taken]:.6f}, not {p}"
        previous = p


def verdict_test_schedule(obs):
    assert obs["is_module"], "ScheduledDropout must be a torch.nn.Module"
    assert obs["training"] is True, "a new module starts in training mode: call super().__init__()"
    table, states = obs["table"], obs["states"]
    taken = obs["steps_before_forward"]  # then forward calls, then more steps
    check_states(states[:taken + 1], table, 0)
    for key, mode in (("after_forward", "training"), ("after_eval_forward", "evaluation")):
        steps = number(obs[key]["steps_taken"], "steps_taken")
        assert steps == taken and close(number(obs[key]["p"], "p"), table[taken]), (
            f"forward must never advance the schedule, in {mode} mode too: only step() does (training calls it once "
            f"per optimiser step); after {taken} steps and some forward calls steps_taken must be {taken}, not {steps}")
    check_states(states[taken + 1:], table, taken + 1)


def verdict_test_dropout(obs):
    x = obs["x"]
    for run in obs["runs"]:
        p, y, again = run["p"], as_tensor(run["y"], "the output"), as_tensor(run["again"], "the output")
        assert y.shape == x.shape and again.shape == x.shape, "the output must have the input's shape"
        if p == 0:
            assert torch.equal(y, x) and torch.equal(again, x), "with p = schedule(0) = 0 nothing is dropped"
            continue
        assert not torch.equal(y, x), (
            f"forward must drop at the current rate: after step() p = schedule(steps_taken) = {p}, but yours "
            "dropped nothing")
        check_survivor_scale(x, y, p, f"at p={p}")
        kept, kept_again = y != 0, again != 0
        assert torch.allclose(y, dropout(x, p, mask=kept), rtol=1e-12, atol=0), (
            f"at p={p} survivors must equal x/(1-p) and the others 0")
        assert_fraction(float((~kept).double().mean()), p, kept.numel(),
                        f"at p={p} the fraction of dropped elements")
        assert_independent(kept, kept_again, p, "the agreement between the masks of two calls",
                           "every forward call must draw a new mask: two calls dropped the same elements")
        assert_independent(kept[:, 0::2], kept[:, 1::2], p, "the agreement between neighbouring elements' masks",
                           "each element must be dropped independently")
    grad = obs["gradient"]
    assert grad["grad"] is not None, "the gradient must flow back to the input: use differentiable tensor operations"
    expected = grad["upstream"] * (grad["y"] != 0) / (1 - grad["p"])
    assert torch.allclose(grad["grad"], expected, rtol=1e-9, atol=0), (
        "the gradient must be the upstream gradient times the same mask as the forward pass, scaled by 1/(1-p)")


def verdict_test_eval_and_edge_cases(obs):
    x = obs["x"]
    assert obs["is_module"], "ScheduledDropout must be a torch.nn.Module"
    assert obs["training"] is True, "a new module starts in training mode: call super().__init__()"
    for y in obs["eval"]:
        assert torch.equal(as_tensor(y, "the output"), x), "in evaluation mode forward returns x"
    assert_all_dropped_at_p1(obs, x)
    assert obs["float32"].dtype == torch.float32, (
        f"the output must keep the input's dtype: float32 in, {obs['float32'].dtype} out")
    assert obs["unchanged"], "ScheduledDropout must not modify its input: compute a new tensor"
