"""Verdicts of e12_weight_drop.

The reference is the library's ``WeightDrop`` around ``nn.RNN`` holding the submission's weights (its one bias in
``bias_ih_l0``, ``bias_hh_l0`` zero). The recurrent weight a training call used is read off its outputs: step t
gives ``atanh(h_t) - x_t W_ih^T - b = h_{t-1} W^T``, solved for W by least squares over more sequences than units.
"""

import math

import torch
from torch import nn

from dropout_lib.recurrent import WeightDrop
from grader.checks.mask_verdicts import assert_independent
from grader.checks.verdict_common import Z, as_tensor, assert_fraction, expect_error

LIKE_RNN = "initialise like nn.RNN: weight_ih, weight_hh and bias uniform in ±1/sqrt(hidden_size)"
MISFIT = 1e-7  # the least-squares misfit of a step when one recurrent weight explains the whole batch (~1e-13)


def reference(weights, p):
    hidden_size, input_size = weights["weight_ih"].shape
    rnn = nn.RNN(input_size, hidden_size).to(weights["weight_ih"].dtype)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(weights["weight_ih"])
        rnn.weight_hh_l0.copy_(weights["weight_hh"])
        rnn.bias_ih_l0.copy_(weights["bias"])
        rnn.bias_hh_l0.zero_()
    return WeightDrop(rnn, "weight_hh_l0", p)


def reference_outputs(weights, p, x, h0=None, mask=None, training=True):
    """The reference's outputs (T, N, hidden); ``mask`` fixes the keep mask of weight_hh in training."""
    layer = reference(weights, p).train(training)
    with torch.no_grad():
        return layer(x, None if h0 is None else h0.unsqueeze(0),
                     masks=None if mask is None else {"weight_hh_l0": mask.to(x.dtype)})[0]


def assert_uses_h0(outputs, weights, x):
    """The first state of a call from a random h0 must depend on h0 (whenever weight_hh is not all dropped)."""
    without_h0 = torch.tanh(x[0] @ weights["weight_ih"].T + weights["bias"])
    assert not torch.allclose(as_tensor(outputs, "outputs")[0], without_h0, rtol=1e-9, atol=1e-12), (
        "the recurrence must start from the given h0: yours ignores it")


def used_recurrent_weights(weights, x, h0, outputs):
    """The recurrent weight each step of one call used, (T, hidden, hidden), and the largest misfit of the steps."""
    outputs = as_tensor(outputs, "outputs")
    expected_shape = tuple(x.shape[:2]) + (weights["weight_hh"].shape[0],)
    assert outputs.shape == expected_shape, (
        f"outputs must be (T, N, hidden_size) = {expected_shape}, not {tuple(outputs.shape)}")
    before = torch.cat([h0.unsqueeze(0), outputs[:-1]])
    target = torch.atanh(outputs) - x @ weights["weight_ih"].T - weights["bias"]
    solution = torch.linalg.lstsq(before, target).solution
    return solution.transpose(1, 2), float((before @ solution - target).abs().max())


def one_mask_of(weights, x, h0, outputs, p):
    """The keep mask of weight_hh one training call used, after checking it is one mask, scaled by 1/(1-p)."""
    assert_uses_h0(outputs, weights, x)
    used, misfit = used_recurrent_weights(weights, x, h0, outputs)
    assert misfit < MISFIT, (
        "every step must compute tanh(x_t W_ih^T + h_{t-1} W^T + bias) with ONE recurrent weight W for the whole "
        "batch: yours cannot be written this way")
    kept = used.abs() > 1e-9
    assert bool((kept == kept[0]).all()), (
        "one mask per forward call, used at every time step: yours draws a new mask at each step")
    used, kept = used[0], kept[0]
    ratio = used[kept] / weights["weight_hh"][kept]
    if not torch.allclose(ratio, torch.full_like(ratio, 1 / (1 - p)), rtol=1e-6, atol=0):
        if torch.allclose(ratio, torch.ones_like(ratio), rtol=1e-6, atol=0):
            raise AssertionError("kept recurrent weights must be scaled by 1/(1-p); yours are not scaled")
        if torch.allclose(ratio, torch.full_like(ratio, 1 / p), rtol=1e-6, atol=0):
            raise AssertionError("kept recurrent weights must be scaled by 1/(1-p), not 1/p")
        raise AssertionError("the recurrent weight used in training is weight_hh * M / (1-p): kept weights scaled by "
                             "1/(1-p), dropped ones 0")
    return kept


def verdict_test_parameters(obs):
    assert obs["is_module"], "WeightDropRNN must be a torch.nn.Module"
    assert obs["training"] is True, "a new module starts in training mode: call super().__init__()"
    input_size, hidden_size = obs["sizes"]
    shapes = {"weight_ih": (hidden_size, input_size), "weight_hh": (hidden_size, hidden_size), "bias": (hidden_size,)}
    for name, shape in shapes.items():
        got = as_tensor(obs[name], name).shape
        assert got == shape, (f"{name} must have shape {shape} for input_size={input_size}, "
                              f"hidden_size={hidden_size}, not {tuple(got)}")
    assert obs["registered"] == ["bias", "weight_hh", "weight_ih"], (
        f"weight_ih, weight_hh and bias must be the module's nn.Parameters, but its parameters are {obs['registered']}")
    bound = 1 / math.sqrt(hidden_size)
    std = bound / math.sqrt(3)  # of U(-bound, bound); the sample std has a relative standard error ~sqrt(0.2 / n)
    for name in shapes:
        w = obs[name]
        assert w.abs().max() <= bound, LIKE_RNN
        assert abs(float(w.mean())) <= Z * std / math.sqrt(w.numel()), LIKE_RNN
        assert abs(float(w.std()) / std - 1) < Z * math.sqrt(0.2 / w.numel()), LIKE_RNN


def verdict_test_recurrence(obs):
    w, x, h0 = obs["weights"], obs["x"], obs["h0"]
    outputs, h_last = as_tensor(obs["given_h0"]["outputs"], "outputs"), as_tensor(obs["given_h0"]["h_T"], "h_T")
    steps, batch, hidden_size = x.shape[0], x.shape[1], w["weight_hh"].shape[0]
    assert outputs.shape == (steps, batch, hidden_size), (
        f"outputs must be (T, N, hidden_size) = {(steps, batch, hidden_size)}, not {tuple(outputs.shape)}")
    assert h_last.shape == (batch, hidden_size), (
        f"h_T must be (N, hidden_size) = {(batch, hidden_size)}, not {tuple(h_last.shape)}")
    assert torch.equal(h_last, outputs[-1]), "h_T must be the state after the last step: outputs[-1]"
    assert_uses_h0(outputs, w, x)
    assert torch.allclose(outputs, reference_outputs(w, 0.0, x, h0, training=False), rtol=1e-9, atol=1e-12), (
        "h_t = tanh(x_t W_ih^T + h_{t-1} W_hh^T + bias) from h_0 = h0, for every step and every sequence")
    single = obs["float32"]  # a float32 layer called without h0
    assert single["outputs"].dtype == torch.float32 and single["h_T"].dtype == torch.float32, (
        "a float32 layer with a float32 input must give float32 outputs")
    assert torch.allclose(single["outputs"], reference_outputs(single["weights"], 0.0, single["x"], training=False),
                          rtol=1e-4, atol=1e-5), "without h0 the state must start at zeros"
    assert obs["unchanged"], "forward must not modify its input"


def verdict_test_weight_mask(obs):
    p, w, x, h0 = obs["p"], obs["weights"], obs["x"], obs["h0"]
    for name, value in w.items():
        assert torch.equal(obs["weights_after"][name], value), (
            "forward must not change the layer's parameters: multiply a copy of weight_hh by the mask "
            "(weight_hh * mask), never the parameter in place")
    for out in obs["bias_only"]:
        expected = torch.tanh(w["bias"]).expand(1, 6, -1)
        assert torch.allclose(as_tensor(out, "outputs"), expected, rtol=1e-9, atol=1e-12), (
            "the bias is never dropped: with x = 0 and h0 = 0 every call must give tanh(bias)")
    first_step = torch.tanh(x[:1] @ w["weight_ih"].T + w["bias"])
    for out in obs["input_only"]:
        assert torch.allclose(as_tensor(out, "outputs"), first_step, rtol=1e-9, atol=1e-12), (
            "weight_ih is never dropped, only weight_hh: with h0 = 0 the first state must be tanh(x_1 W_ih^T + bias) "
            "in every call")
    for out in obs["twins"]:
        half = out.shape[1] // 2
        assert torch.allclose(out[:, :half], out[:, half:], rtol=1e-9, atol=1e-12), (
            "one mask for the whole batch: the same sequence twice in one batch must give the same outputs twice "
            "(yours draws a mask per sequence)")
    masks = []
    for outputs in obs["calls"]:
        kept = one_mask_of(w, x, h0, outputs, p)
        assert torch.allclose(outputs, reference_outputs(w, p, x, h0, mask=kept), rtol=1e-9, atol=1e-12), (
            "the outputs must be those of the recurrence with the dropped recurrent weight weight_hh * M / (1-p)")
        masks.append(kept)
    masks = torch.stack(masks)
    assert_independent(masks[0::2], masks[1::2], p, "the agreement between the masks of two calls",
                       "every forward call must draw a new mask: yours uses the same mask every time")
    assert_independent(masks[:, :, 0::2], masks[:, :, 1::2], p, "the agreement between the masks of two columns",
                       "every recurrent weight needs its own mask entry: yours drops whole rows of weight_hh together")
    assert_independent(masks[:, 0::2], masks[:, 1::2], p, "the agreement between the masks of two rows",
                       "every recurrent weight needs its own mask entry: yours drops whole columns of weight_hh "
                       "together (that is dropout on the hidden state, not on the weights)")
    assert_fraction(float((~masks).double().mean()), p, masks.numel(),
                    f"with p={p} the fraction of dropped recurrent weights")
    default = obs["default"]
    dropped = torch.stack([~one_mask_of(default["weights"], x, h0, out, 0.5) for out in default["calls"]])
    assert_fraction(float(dropped.double().mean()), 0.5, dropped.numel(),
                    "with the default p=0.5 the fraction of dropped recurrent weights")


def verdict_test_eval_and_edge_cases(obs):
    assert obs["is_module"], "WeightDropRNN must be a torch.nn.Module"
    assert obs["training"] is True, "a new module starts in training mode: call super().__init__()"
    w, x, h0 = obs["weights"], obs["x"], obs["h0"]
    expected = reference_outputs(w, obs["p"], x, h0, training=False)
    for run in obs["eval"]:
        assert_uses_h0(run["outputs"], w, x)
        assert torch.allclose(as_tensor(run["outputs"], "outputs"), expected, rtol=1e-9, atol=1e-12), (
            "in evaluation mode the raw weight_hh is used: no mask and no scaling")
    p1 = as_tensor(obs["p1"]["outputs"], "outputs")
    assert not torch.isnan(p1).any(), "with p=1 every recurrent weight is dropped: no NaN (do not divide by 1-p=0)"
    no_recurrence = {**obs["p1_weights"], "weight_hh": torch.zeros_like(obs["p1_weights"]["weight_hh"])}
    assert torch.allclose(p1, reference_outputs(no_recurrence, 0.0, x, h0, training=False), rtol=1e-9, atol=1e-12), (
        "with p=1 every recurrent weight is dropped: h_t = tanh(x_t W_ih^T + bias)")
    assert not obs["p1_warnings"], f"p=1 must not warn: {obs['p1_warnings'][0]}"
    for p, result in obs["errors"].items():
        expect_error(result, "ValueError", f"WeightDropRNN(5, 12, p={p})")
    for p, result in obs["accepted"].items():
        assert result[0] == "ok", f"p={p} is a valid rate, but WeightDropRNN(5, 12, p={p}) raised {result[0]}"


def verdict_test_gradients(obs):
    p, w = obs["p"], obs["weights"]
    for name, grad in obs["grads"].items():
        assert grad is not None, f"the gradient must reach {name}: use differentiable tensor operations"
    try:
        kept = one_mask_of(w, obs["x"], obs["h0"], obs["outputs"], p)
    except AssertionError as err:
        raise AssertionError(f"the gradients follow the forward pass of the same call, which is wrong: {err}") from None
    layer = reference(w, p)
    outputs, h_last = layer(obs["x"], obs["h0"].unsqueeze(0), masks={"weight_hh_l0": kept.to(obs["x"].dtype)})
    ((outputs * obs["upstream"]).sum() + (h_last[0] * obs["upstream_last"]).sum()).backward()
    rnn = layer.module
    expected = {"weight_ih": rnn.weight_ih_l0.grad, "weight_hh": rnn.weight_hh_l0.grad, "bias": rnn.bias_ih_l0.grad}
    grad_hh = obs["grads"]["weight_hh"]
    assert not grad_hh[~kept].abs().gt(1e-12).any(), (
        "a dropped recurrent weight gets no gradient: the gradient of weight_hh must go through the mask and the "
        "1/(1-p) of the same call")
    for name, grad in expected.items():
        assert torch.allclose(obs["grads"][name], grad, rtol=1e-7, atol=1e-10), (
            f"the gradient of {name} must be that of the forward pass with the dropped, rescaled weight_hh of the "
            "same call")
