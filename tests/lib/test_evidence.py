import math

import pytest

from dropout_lib.evidence import Comparison, MIN_SEEDS, NOT_SHOWN, Z, compare, describe, verdict


def test_difference_and_its_standard_error_exactly():
    c = compare([1.0, 2.0, 3.0], [0.0, 2.0])
    assert c.diff == 2.0 - 1.0
    assert math.isclose(c.se, math.sqrt(1.0 / 3 + 2.0 / 2))  # sample variances 1 and 2
    one = compare([1.0, 2.0, 3.0])
    assert one.diff == 2.0 and math.isclose(one.se, math.sqrt(1.0 / 3))


def test_the_rule_needs_enough_seeds_and_two_standard_errors():
    assert (MIN_SEEDS, Z) == (5, 2.0)
    clear = [1.0, 1.1, 0.9, 1.05, 0.95]
    assert verdict(compare(clear, [0.0] * 4 + [0.1]), +1) == "holds"
    assert verdict(compare(clear, [0.0] * 4 + [0.1]), -1) == "fails"
    assert verdict(compare(clear[:4], [0.0, 0.1, 0.0, 0.1]), +1) == NOT_SHOWN  # a big effect, too few seeds
    noisy = [1.0, -1.0, 2.0, -2.0, 0.5]
    assert verdict(compare(noisy, [0.0, 0.1, -0.1, 0.0, 0.0]), +1) == NOT_SHOWN
    # exactly two standard errors is not beyond them
    assert not Comparison(2.0, 1.0, 5, 5).shown and Comparison(2.001, 1.0, 5, 5).shown
    assert verdict(compare(clear, [0.0] * 4 + [0.1]), +1, holds="holds here") == "holds here"


def test_describe_states_the_numbers():
    c = compare([1.0, 1.2, 0.9, 1.1, 1.0], [0.5, 0.6, 0.4, 0.5, 0.6])
    assert describe(c) == f"+0.52 ± {c.se:.2f} ({c.diff / c.se:.1f} standard errors, 5 vs 5 seeds)"
    assert describe(compare([1.0, 2.0, 3.0]), unit=" points", digits=1).endswith("(3.5 standard errors, 3 seeds)")
    assert describe(compare([1.0, 2.0, 3.0]), runs="epochs").endswith("(3.5 standard errors, 3 epochs)")


def test_bad_input_rejected():
    with pytest.raises(ValueError, match="a needs at least 2 runs to estimate a standard error, but got 1"):
        compare([1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match=r"b contains NaN: \[1.0, nan\]"):
        compare([1.0, 2.0], [1.0, float("nan")])
    with pytest.raises(ValueError, match="expected_sign must be \\+1 or -1, but got 0"):
        verdict(compare([1.0, 2.0]), 0)
