"""The course's verdict rule: when an experiment may call a claim "holds" or "fails".

A difference between two groups of runs (seeds) is *shown* when each group has at least ``MIN_SEEDS`` runs and the
difference of the means lies beyond ``Z`` standard errors of that difference; otherwise the verdict is
"not shown at this scale". The notebooks compute every verdict word with :func:`verdict` and glue it, so that the
book's prose cannot disagree with its own numbers when the random stream changes.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

MIN_SEEDS = 5
Z = 2.0
NOT_SHOWN = "not shown at this scale"


@dataclass(frozen=True)
class Comparison:
    """Mean of ``a`` minus mean of ``b``, with the standard error of that difference."""

    diff: float
    se: float
    n_a: int
    n_b: float  # math.inf for a one-sample comparison

    @property
    def shown(self) -> bool:
        """True when both groups have ``MIN_SEEDS`` runs and ``|diff| > Z * se``."""
        return min(self.n_a, self.n_b) >= MIN_SEEDS and abs(self.diff) > Z * self.se

    @property
    def ratio(self) -> float:
        """``|diff| / se``: how many standard errors the difference is (``inf`` for a noiseless difference)."""
        return abs(self.diff) / self.se if self.se > 0 else (math.inf if self.diff else 0.0)


def _values(x: Iterable[float], name: str) -> list[float]:
    values = [float(v) for v in x]
    if len(values) < 2:
        raise ValueError(f"{name} needs at least 2 runs to estimate a standard error, but got {len(values)}")
    if any(math.isnan(v) for v in values):
        raise ValueError(f"{name} contains NaN: {values}")
    return values


def _mean_and_var_of_mean(values: list[float]) -> tuple[float, float]:
    n = len(values)
    mean = sum(values) / n
    return mean, sum((v - mean) ** 2 for v in values) / (n - 1) / n


def compare(a: Iterable[float], b: Iterable[float] | None = None) -> Comparison:
    r"""Compare the runs ``a`` with the runs ``b`` (or with 0 when ``b`` is ``None``).

    .. math::
        d = \bar a - \bar b, \qquad \mathrm{se}(d) = \sqrt{s_a^2 / n_a + s_b^2 / n_b}

    with :math:`s^2` the sample variance (divisor :math:`n - 1`): the standard error of a difference of two
    independent means. With ``b=None`` the second term is absent (a one-sample comparison with 0, e.g. of paired
    differences).

    Args:
        a: one number per run (seed), at least 2.
        b: the same for the other group, or ``None``.

    Example::

        >>> c = compare([1.0, 1.2, 0.9, 1.1, 1.0], [0.5, 0.6, 0.4, 0.5, 0.6])
        >>> round(c.diff, 2), c.shown
        (0.52, True)
    """
    a = _values(a, "a")
    mean_a, var_a = _mean_and_var_of_mean(a)
    if b is None:
        return Comparison(mean_a, math.sqrt(var_a), len(a), math.inf)
    b = _values(b, "b")
    mean_b, var_b = _mean_and_var_of_mean(b)
    return Comparison(mean_a - mean_b, math.sqrt(var_a + var_b), len(a), len(b))


def verdict(comparison: Comparison, expected_sign: int, holds: str = "holds", fails: str = "fails") -> str:
    """The verdict word for a claim that predicts ``a - b`` to have the sign ``expected_sign`` (+1 or -1).

    ``holds`` when the difference is shown with that sign, ``fails`` when it is shown with the other sign,
    ``"not shown at this scale"`` otherwise. ``holds`` and ``fails`` may be replaced by longer words (e.g. "holds
    here").

    Example::

        >>> verdict(compare([1.0, 1.2, 0.9, 1.1, 1.0], [0.5, 0.6, 0.4, 0.5, 0.6]), expected_sign=-1)
        'fails'
    """
    if expected_sign not in (1, -1):
        raise ValueError(f"expected_sign must be +1 or -1, but got {expected_sign!r}")
    if not comparison.shown:
        return NOT_SHOWN
    return holds if math.copysign(1, comparison.diff) == expected_sign else fails


def describe(comparison: Comparison, unit: str = "", digits: int = 2, runs: str = "seeds") -> str:
    """The numbers behind a verdict, for the text: ``"+0.52 ± 0.07 (7.4 standard errors, 5 vs 5 seeds)"``.

    ``runs`` names what the groups count when it is not seeds (e.g. ``"pairs of seeds"``).
    """
    n_b = "" if math.isinf(comparison.n_b) else f" vs {comparison.n_b}"
    return (f"{comparison.diff:+.{digits}f}{unit} ± {comparison.se:.{digits}f}{unit} "
            f"({comparison.ratio:.1f} standard errors, {comparison.n_a}{n_b} {runs})")
