"""Monte-Carlo dropout: dropout kept on at prediction time, averaged over samples.

Reference: Gal & Ghahramani (2016), "Dropout as a Bayesian Approximation: Representing Model Uncertainty in Deep
Learning", ICML. Only the dropout layers are made stochastic: calling ``model.train()`` instead would also put
batch norm in training mode (batch statistics, updated running averages), and ``model.eval()`` switches dropout
off altogether.
"""

import operator
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

import torch
from torch import nn

from dropout_lib._checks import check_flag
from dropout_lib._modes import restored_modes
from dropout_lib.dropout import Dropout, dropout


def is_dropout_layer(module: nn.Module) -> bool:
    """True for PyTorch's dropout modules (subclasses of ``nn.modules.dropout._DropoutNd``: ``nn.Dropout``,
    ``nn.Dropout1d/2d/3d``, ``nn.AlphaDropout``, ``nn.FeatureAlphaDropout``) and for every module that declares
    itself stochastic with the class attribute ``is_dropout = True``, as every layer of this library does.

    The dropout between the layers of ``nn.LSTM``/``nn.GRU``/``nn.RNN`` (their ``dropout`` argument) is part of
    those modules, not a dropout layer: MC dropout leaves it off.

    Example::

        >>> is_dropout_layer(nn.AlphaDropout(0.1)), is_dropout_layer(nn.BatchNorm1d(3))
        (True, False)
    """
    return isinstance(module, nn.modules.dropout._DropoutNd) or getattr(module, "is_dropout", False) is True


def dropout_layers(model: nn.Module) -> list[nn.Module]:
    """The dropout layers of ``model`` (itself included), in the order of ``model.modules()``.

    Example::

        >>> len(dropout_layers(nn.Sequential(nn.Linear(3, 3), nn.Dropout(0.1), nn.Dropout2d(0.2))))
        2
    """
    return [m for m in model.modules() if is_dropout_layer(m)]


@contextmanager
def mc_dropout(model: nn.Module) -> Iterator[nn.Module]:
    """Within the block, only the dropout layers of ``model`` are in training mode; every other module (batch
    norm, and the children of a dropout layer such as the LSTM inside a ``WeightDrop``) is in evaluation mode.
    Every module's mode is restored on exit, also after an exception.

    Raises:
        ValueError: if the model has no dropout layer (MC dropout would silently return zero variance).

    Example::

        >>> net = nn.Sequential(nn.Linear(3, 8), nn.BatchNorm1d(8), nn.Dropout(0.5))
        >>> with mc_dropout(net):
        ...     [m.training for m in net]
        [False, False, True]
        >>> [m.training for m in net]
        [True, True, True]
    """
    with _mc_modes(model):
        yield model


@contextmanager
def _mc_modes(model):
    """:func:`mc_dropout`, yielding the model's modules and its dropout layers, found in one walk over the model
    (for a small model, a walk costs about as much as its forward pass)."""
    modules = list(model.modules())
    layers = [m for m in modules if is_dropout_layer(m)]
    if not layers:
        raise ValueError(f"{type(model).__name__} has no dropout layer, so MC dropout would return zero variance; "
                         "add one (nn.Dropout* or a layer with is_dropout = True)")
    with restored_modes(model, modules):
        model.eval()
        for layer in layers:
            layer.training = True  # this module only, not its children
        yield modules, layers


def _check_samples(n_samples):
    try:
        n = operator.index(n_samples)
    except TypeError:
        n = 0
    if isinstance(n_samples, bool) or n < 1:
        raise ValueError(f"n_samples must be a positive integer, but got {n_samples!r}")
    return n


CHUNK_ELEMENTS = 2**17  # per batched pass, of the first stochastic layer's input: 512 KiB of float32


def stages(model: nn.Module) -> list[nn.Module]:
    """``model`` as a list of modules applied one after the other: the children of an ``nn.Sequential`` (nested
    ones flattened), or ``[model]`` for any other module, whose forward cannot be split.

    Example::

        >>> [type(m).__name__ for m in stages(nn.Sequential(nn.Linear(3, 3), nn.Sequential(nn.ReLU(), nn.Dropout())))]
        ['Linear', 'ReLU', 'Dropout']
    """
    if isinstance(model, nn.Sequential) and type(model).forward is nn.Sequential.forward:
        return [stage for child in model for stage in stages(child)]
    return [model]


def infer_batch_dim(model: nn.Module) -> int:
    """1 when the model's recurrent, attention or locked-dropout layers are sequence-first (``batch_first=False``,
    PyTorch's default for ``nn.LSTM``/``nn.GRU``/``nn.RNN``/``nn.Transformer*``/``nn.MultiheadAttention``), else 0.

    Raises:
        ValueError: if some of them are batch-first and others are not.

    Example::

        >>> infer_batch_dim(nn.LSTM(3, 4)), infer_batch_dim(nn.LSTM(3, 4, batch_first=True)), infer_batch_dim(nn.ReLU())
        (1, 0, 0)
    """
    return _batch_dim_of(model.modules(), model)


def _batch_dim_of(modules, model):
    layouts = {m.batch_first for m in modules if isinstance(getattr(m, "batch_first", None), bool)}
    if len(layouts) > 1:
        raise ValueError(f"{type(model).__name__} mixes batch-first and sequence-first layers; pass batch_dim")
    return 0 if layouts in (set(), {True}) else 1


def _run(stages_, h):
    for stage in stages_:
        if type(stage) is nn.Dropout and stage.training:  # the same law, with the library's faster mask
            h = dropout(h, stage.p)
        else:
            h = stage(h)
    return h


# PyTorch's layers that act on each sample alone, elementwise or along the last dimension only: copies stacked along
# any other dimension come out stacked along it (exact types: a subclass may override forward)
_SAMPLEWISE = (nn.Linear, nn.Identity, nn.ReLU, nn.LeakyReLU, nn.GELU, nn.SiLU, nn.ELU, nn.SELU, nn.Tanh, nn.Sigmoid,
               nn.Dropout, nn.AlphaDropout, Dropout)


def _samplewise(stages_, h, dim):
    """True when stacking copies of ``h`` along ``dim`` and running ``stages_`` surely gives the stacked outputs,
    so that no single pass is needed to check the output's shape."""
    return (isinstance(h, torch.Tensor) and h.ndim >= 2 and dim % h.ndim < h.ndim - 1
            and all(type(s) in _SAMPLEWISE and not (s._forward_hooks or s._forward_pre_hooks) for s in stages_))


def _copies_along(out, single_shape, copies):
    """``out`` of ``copies`` stacked inputs as ``(copies, *single_shape)``: the one dimension that grew ``copies``-
    fold is the batch; ``None`` when the model did not map the copies to a batch of outputs."""
    grown = [d for d, (a, b) in enumerate(zip(out.shape, single_shape)) if a != b]
    if out.ndim != len(single_shape) or len(grown) != 1 or out.shape[grown[0]] != copies * single_shape[grown[0]]:
        return None
    d = grown[0]
    return out.unflatten(d, (copies, single_shape[d])).movedim(d, 0)


@torch.no_grad()
def mc_samples(model: nn.Module, x: torch.Tensor, n_samples: int = 50, batched: bool | None = None, *,
               batch_dim: int | None = None) -> torch.Tensor:
    r"""``n_samples`` stochastic forward passes of ``model`` on ``x``, stacked: shape ``(n_samples, *model(x).shape)``.

    ``batched=False`` is the definition: a Python loop of ``n_samples`` passes of the whole model. Otherwise
    (the default) two things make it faster, with the same distribution:

    * everything before the first stochastic layer is deterministic and is computed once, not ``n_samples`` times
      (for an ``nn.Sequential``, nested ones included; any other model is run whole);
    * the stochastic rest runs on several copies of that intermediate result stacked along the batch dimension, as
      many as fit in :data:`CHUNK_ELEMENTS` elements, so that each layer is called a few times on a large batch
      instead of ``n_samples`` times on a small one. Each copy draws its own masks, which is valid only when every
      stochastic layer draws its mask independently per sample: with a layer whose mask is shared across the batch
      (``mask_shared_across_batch = True``: DropConnect, weight drop, targeted dropout) the rest runs once per
      sample, and ``batched=True`` raises ``ValueError`` instead.

    The batch dimension is ``batch_dim`` of the input, of the first stochastic layer's input and of the output;
    by default it is inferred by :func:`infer_batch_dim`: 1 for a sequence-first model (input :math:`(L, N, H)`).
    Every layer after the first stochastic one must treat the samples of a batch independently, as PyTorch's
    layers do in evaluation mode. If a batched pass does not give the output of one pass with one dimension grown
    by the number of copies (a model that reduces over the batch), ``batched=None`` falls back to one pass per
    sample and ``batched=True`` raises ``ValueError``. That check compares with the shape of one unbatched pass,
    skipped when every stage after the prefix is one of PyTorch's layers that act on each sample alone
    (``nn.Linear``, elementwise activations, ``nn.Dropout``, ``nn.AlphaDropout``) without hooks. ``nn.Dropout``
    stages of an ``nn.Sequential`` draw their masks with :func:`dropout_lib.dropout.dropout`: the same law, another random stream than PyTorch's.

    Example::

        >>> net = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.5), nn.Linear(8, 2))
        >>> mc_samples(net, torch.randn(3, 4), n_samples=10).shape
        torch.Size([10, 3, 2])
    """
    n_samples = _check_samples(n_samples)
    if batched is not None:
        check_flag(batched, "batched")
    with _mc_modes(model) as (modules, layers):
        if batched is False:
            return torch.stack([model(x) for _ in range(n_samples)])
        shared = [type(m).__name__ for m in layers if getattr(m, "mask_shared_across_batch", False)]
        if shared and batched:
            raise ValueError(
                f"batched MC dropout needs per-sample masks, but {', '.join(shared)} shares one mask across the "
                "batch; use batched=False"
            )
        parts = stages(model)
        stochastic = set(map(id, layers))
        first = next(i for i, stage in enumerate(parts) if any(id(m) in stochastic for m in stage.modules()))
        h = _run(parts[:first], x)
        rest = parts[first:]
        dim = _batch_dim_of(modules, model) if batch_dim is None else batch_dim
        if not isinstance(h, torch.Tensor):  # a tuple or dict input: nothing to stack, one pass per sample
            if batched:
                raise ValueError(f"batched MC dropout stacks copies of a tensor, but {type(model).__name__} takes "
                                 f"{type(h).__name__}; use batched=False or None")
            shared = True
        if not shared and _samplewise(rest, h, dim):
            samples, done = None, 0  # shaped from the first chunk
        else:  # one pass first: its shape tells whether a batched pass gives stacked outputs
            one = _run(rest, h)
            samples = one.new_empty((n_samples, *one.shape))
            samples[0] = one
            done = 1
        per_copy = max(h.numel(), 1) if isinstance(h, torch.Tensor) else 1
        while done < n_samples:
            copies = 1 if shared else max(1, min(n_samples - done, CHUNK_ELEMENTS // per_copy))
            if copies == 1 and samples is not None:
                samples[done] = _run(rest, h)
                done += 1
                continue
            reps = [copies if d == dim % h.ndim else 1 for d in range(h.ndim)]  # as torch.cat([h] * copies, dim)
            out = _run(rest, h.repeat(reps))
            if samples is None:
                d = dim % h.ndim
                out = out.unflatten(d, (copies, out.shape[d] // copies)).movedim(d, 0)
                samples = out.new_empty((n_samples, *out.shape[1:]))
            else:
                out = _copies_along(out, samples.shape[1:], copies)
            if out is None:
                if batched:
                    raise ValueError(f"{type(model).__name__} does not map {copies} copies of its input stacked along "
                                     f"dimension {dim} to {copies} outputs; pass batch_dim, or use batched=False")
                shared = True  # from now on, one pass per sample
                continue
            samples[done:done + copies] = out
            done += copies
        return samples


def mc_predict(model: nn.Module, x: torch.Tensor, n_samples: int = 50, batched: bool | None = None, *,
               batch_dim: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    r"""MC-dropout predictive mean and variance.

    .. math::
        \hat\mu = \frac1T \sum_{t=1}^T f_t(x), \qquad \hat\sigma^2 = \frac1T \sum_{t=1}^T f_t(x)^2 - \hat\mu^2

    over :math:`T` = ``n_samples`` passes with dropout on and everything else in evaluation mode; the population
    variance, dividing by :math:`T` as in Gal & Ghahramani's estimator (add :math:`\tau^{-1}`, the observation
    noise, for the full predictive variance of a regression model). No gradients are recorded and every module's
    mode is the same after the call as before, also if the model raises.

    Args:
        model: a ``torch.nn.Module`` with at least one dropout layer (see :func:`is_dropout_layer`), returning
            a tensor.
        x: the input batch.
        n_samples: the number of stochastic passes :math:`T`. Default: 50.
        batched: ``False`` for the plain loop of passes; ``None`` or ``True`` to compute the deterministic prefix
            once and batch the rest (see :func:`mc_samples`). Default: ``None``.
        batch_dim: the batch dimension of ``x``; inferred when ``None`` (see :func:`mc_samples`).

    Returns:
        ``(mean, var)``, each shaped like ``model(x)``.

    Raises:
        ValueError: if the model has no dropout layer, if ``n_samples`` is not a positive integer, or if
            ``batched`` and a layer shares its mask across the batch.

    Example::

        >>> net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 1))
        >>> mean, var = mc_predict(net, torch.randn(5, 4), n_samples=20)
        >>> mean.shape, var.shape, bool((var >= 0).all())
        (torch.Size([5, 1]), torch.Size([5, 1]), True)

    Reference: Gal & Ghahramani (2016), ICML.
    """
    samples = mc_samples(model, x, n_samples, batched, batch_dim=batch_dim)
    return samples.mean(dim=0), samples.var(dim=0, correction=0)


class MCClassification(NamedTuple):
    """The MC-dropout summary of a classifier's predictions (entropies in nats)."""

    probs: torch.Tensor  # mean predicted probabilities, (N, K)
    predictive_entropy: torch.Tensor  # H[mean probs], total uncertainty, (N,)
    expected_entropy: torch.Tensor  # mean of H[probs_t], the aleatoric part, (N,)
    mutual_information: torch.Tensor  # their difference, the epistemic part, (N,)


def entropy(probs: torch.Tensor, dim: int = -1) -> torch.Tensor:
    r"""The Shannon entropy, in nats, of the probability vectors along ``dim`` of ``probs``:

    .. math::
        \mathbb{H}[p] = -\sum_k p_k \log p_k, \qquad 0 \log 0 = 0.

    Args:
        probs: probabilities (non-negative, summing to one along ``dim``), a floating-point tensor.
        dim: the dimension of the classes. Default: -1.

    Returns:
        ``probs`` with ``dim`` reduced: between 0 (one class certain) and :math:`\log K` (uniform over K).

    Example::

        >>> entropy(torch.tensor([[1.0, 0.0], [0.5, 0.5]])).tolist()
        [0.0, 0.6931471824645996]
    """
    if not torch.is_tensor(probs) or not probs.is_floating_point():
        raise TypeError(f"probs must be a floating-point tensor, but got {type(probs).__name__}"
                        + (f" of dtype {probs.dtype}" if torch.is_tensor(probs) else ""))
    return torch.special.entr(probs).sum(dim=dim)  # entr(0) = 0


def mc_classify(model: nn.Module, x: torch.Tensor, n_samples: int = 50, batched: bool | None = None, *,
                batch_dim: int | None = None) -> MCClassification:
    r"""MC-dropout prediction of a classifier whose output is logits of shape ``(N, K)``.

    .. math::
        \bar p = \frac1T\sum_t \mathrm{softmax}(f_t(x)), \quad
        \mathbb{H}[\bar p], \quad \frac1T\sum_t \mathbb{H}[p_t], \quad
        I = \mathbb{H}[\bar p] - \frac1T\sum_t \mathbb{H}[p_t] \ge 0

    The mutual information between the prediction and the dropout mask (Houlsby et al., 2011; Gal, 2016) is
    large where the sampled networks disagree: epistemic uncertainty. It is zero when every pass gives the same
    probabilities (negative rounding errors are clamped to zero).

    Args:
        model, x, n_samples, batched, batch_dim: as in :func:`mc_predict`.

    Returns:
        an :class:`MCClassification` ``(probs, predictive_entropy, expected_entropy, mutual_information)``,
        shaped ``(N, K)``, ``(N,)``, ``(N,)``, ``(N,)``.

    Raises:
        ValueError: as :func:`mc_predict`, and if the model's output is not at least 2-D ``(N, K)``.

    Example::

        >>> net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.5), nn.Linear(16, 3))
        >>> out = mc_classify(net, torch.randn(5, 4), n_samples=20)
        >>> out.probs.shape, out.mutual_information.shape
        (torch.Size([5, 3]), torch.Size([5]))
    """
    samples = mc_samples(model, x, n_samples, batched, batch_dim=batch_dim)
    if samples.ndim < 3:  # a 1-D output has no class dimension: softmax over the batch would be silently wrong
        raise ValueError(f"mc_classify expects the model to return logits of shape (N, K), but model(x) has shape "
                         f"{tuple(samples.shape[1:])}")
    probs = torch.softmax(samples, dim=-1)
    mean = probs.mean(dim=0)
    predictive = entropy(mean)
    expected = entropy(probs).mean(dim=0)
    return MCClassification(mean, predictive, expected, (predictive - expected).clamp_min(0.0))
