r"""Scheduled dropout: a drop rate that changes over training.

References: Morerio, Cavazza, Volpi, Vidal & Murino (2017), "Curriculum Dropout", ICCV (the keep probability
decays from 1 towards a floor, :math:`\theta + (1-\theta)e^{-\gamma t}`); a linear ramp is the common
alternative (e.g. ScheduledDropPath in NASNet, Zoph et al. 2018).
"""

import math
from collections.abc import Callable

import torch
from torch import nn

from dropout_lib._checks import check_positive, check_rate
from dropout_lib.dropout import dropout


def linear_ramp(step: float, total_steps: float, start_p: float = 0.0, end_p: float = 0.5) -> float:
    r"""A rate moving linearly from ``start_p`` at step 0 to ``end_p`` at ``total_steps``, constant afterwards.

    .. math::
        p(t) = p_0 + (p_1 - p_0) \min(t, T) / T

    Args:
        step: the current step :math:`t \ge 0`.
        total_steps: :math:`T > 0`, the length of the ramp.
        start_p: :math:`p_0`. Default: 0.0.
        end_p: :math:`p_1`. Default: 0.5.

    Example::

        >>> [linear_ramp(s, 4, 0.0, 0.4) for s in (0, 2, 4, 9)]
        [0.0, 0.2, 0.4, 0.4]
    """
    start_p, end_p = check_rate(start_p, "start_p"), check_rate(end_p, "end_p")
    check_positive(total_steps, "total_steps")
    check_positive(step, "step", allow_zero=True)
    return start_p + (end_p - start_p) * min(step, total_steps) / total_steps


def curriculum_rate(step: float, gamma: float = 1e-3, final_keep: float = 0.5) -> float:
    r"""The drop rate of curriculum dropout (Morerio et al., 2017) at training step ``step``.

    .. math::
        p(t) = 1 - \bigl((1-\theta)e^{-\gamma t} + \theta\bigr) = (1-\theta)\bigl(1 - e^{-\gamma t}\bigr)

    where :math:`\theta` is the final keep probability. It starts at 0 and rises towards :math:`1-\theta`.
    The paper uses :math:`\gamma = 10^{-3}` and :math:`\theta` 0.9 (inputs), 0.75 (conv) or 0.5 (dense).

    Args:
        step: the current step :math:`t \ge 0`.
        gamma: :math:`\gamma \ge 0`, the speed of the rise. Default: 1e-3.
        final_keep: :math:`\theta`, the keep probability reached at the end. Default: 0.5.

    Example::

        >>> round(curriculum_rate(1000, gamma=1e-3, final_keep=0.5), 4)
        0.3161
    """
    theta = check_rate(final_keep, "final_keep")
    check_positive(gamma, "gamma", allow_zero=True)
    check_positive(step, "step", allow_zero=True)
    return (1.0 - theta) * (1.0 - math.exp(-gamma * step))


class ScheduledDropout(nn.Module):
    r"""Inverted dropout whose rate follows a schedule ``schedule(step) -> p``; call :meth:`step` once per training
    step (or epoch, as the schedule is meant). The step count is saved in the ``state_dict``, so that training can
    resume where it stopped.

    .. math::
        y = \frac{x \odot m}{1 - p(t)}, \qquad m_i \sim \mathrm{Bernoulli}(1 - p(t))

    Args:
        schedule: a function from a non-negative step count to a rate in [0, 1], e.g.
            ``functools.partial(curriculum_rate, gamma=1e-3, final_keep=0.5)``.

    Shape:
        Input: :math:`(*)`. Output: the same shape.

    Attributes:
        p: the current rate, ``schedule(steps_taken)``.
        steps_taken: the number of calls to :meth:`step` so far.

    Example::

        >>> from functools import partial
        >>> layer = ScheduledDropout(partial(linear_ramp, total_steps=10, end_p=0.5))
        >>> layer.p, (layer.step(), layer.step(), layer.p)[-1]
        (0.0, 0.1)

    Reference: Morerio et al. (2017), ICCV.
    """

    is_dropout = True
    mask_shared_across_batch = False

    def __init__(self, schedule: Callable[[int], float]) -> None:
        super().__init__()
        if not callable(schedule):
            raise TypeError(f"schedule must be a function from a step to a rate, but got {type(schedule).__name__}")
        self.schedule = schedule
        self._go_to(0)

    def _go_to(self, steps_taken):
        self.p = check_rate(self.schedule(steps_taken), f"schedule({steps_taken})")
        self.steps_taken = steps_taken

    def step(self) -> None:
        """Advance the schedule by one step and update :attr:`p`."""
        self._go_to(self.steps_taken + 1)

    def forward(self, x: torch.Tensor, *, generator: torch.Generator | None = None) -> torch.Tensor:
        return dropout(x, self.p, self.training, generator=generator)

    def get_extra_state(self) -> dict[str, int]:
        return {"steps_taken": self.steps_taken}

    def set_extra_state(self, state: dict[str, int]) -> None:
        self._go_to(int(state["steps_taken"]))

    def extra_repr(self) -> str:
        return f"p={self.p}, steps_taken={self.steps_taken}"
