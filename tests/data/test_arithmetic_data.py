"""Arithmetic generators: fixed subsets, live operands, ranges, the perturbed threshold."""

import numpy as np
import pytest

from data.arithmetic import ArithmeticData
from errors import UsageError


def test_subsets_are_fixed_by_the_seed():
    """The same seed draws the same subsets; another seed other subsets."""
    data = ArithmeticData()
    first, second = data.subsets(3)
    again = data.subsets(3)
    np.testing.assert_array_equal(first, again[0])
    np.testing.assert_array_equal(second, again[1])
    assert not np.array_equal(first, data.subsets(4)[0])


def test_subset_sizes_and_overlap():
    """25 of 100 inputs per subset, half of them shared."""
    first, second = ArithmeticData().subsets(0)
    assert len(first) == len(second) == 25
    assert len(np.intersect1d(first, second)) == 12 or len(np.intersect1d(first, second)) == 13


def test_targets_use_the_same_subsets_for_every_sample_and_batch():
    """Targets of two batches equal sums over the one fixed pair of subsets."""
    data = ArithmeticData(op="mul")
    mask = data.masks(5)
    first, second = data.subsets(5)
    rng = np.random.default_rng(0)
    for _ in range(2):
        inputs = data.draw(rng, 64, data.interpolation)
        expected = inputs[:, first].sum(1) * inputs[:, second].sum(1)
        np.testing.assert_allclose(data.targets(inputs, mask)[:, 0], expected, rtol=1e-5)


def test_operands_are_never_constant():
    """a and b both vary across samples (no operand stuck at 0 or any constant)."""
    data = ArithmeticData()
    inputs = data.draw(np.random.default_rng(1), 256, data.interpolation)
    a, b = data.operands(inputs, data.masks(0))
    assert a.std() > 0.5 and b.std() > 0.5 and a.min() > 0 and b.min() > 0


def test_ranges_are_respected_and_disjoint():
    """Interpolation draws lie in [1, 2], extrapolation draws in [2, 6]."""
    data = ArithmeticData()
    rng = np.random.default_rng(2)
    inside = data.draw(rng, 500, data.interpolation)
    outside = data.draw(rng, 500, data.extrapolation)
    assert 1.0 <= inside.min() and inside.max() <= 2.0
    assert 2.0 <= outside.min() and outside.max() <= 6.0


def test_running_operands_accumulate_over_time():
    """Running form: a is the sum over steps of the subset sums."""
    data = ArithmeticData(form="running", input_size=10)
    inputs = data.draw(np.random.default_rng(3), 4, data.interpolation, length=7)
    first, _ = data.subsets(0)
    a, _ = data.operands(inputs, data.masks(0))
    np.testing.assert_allclose(a, inputs[:, :, first].sum(axis=(1, 2)), rtol=1e-5)


def test_perturbed_solution_errs_by_about_epsilon():
    """The +eps solution's error is of order eps * sum(x), and zero for eps = 0."""
    data = ArithmeticData()
    inputs = data.draw(np.random.default_rng(4), 100, data.extrapolation)
    mask = data.masks(0)
    exact = data.targets(inputs, mask)
    np.testing.assert_allclose(data.perturbed_targets(inputs, mask, 0.0), exact, rtol=1e-6)
    error = np.abs(data.perturbed_targets(inputs, mask, 1e-5) - exact).mean()
    assert 1e-3 < error < 1e-1


@pytest.mark.parametrize("arguments, named, flag", [
    ({"op": "pow"}, "op='pow'", "--op pow"),
    ({"interpolation": (2.0, 1.0)}, "interpolation=(2.0, 1.0)", "--interpolation 2.0,1.0"),
    ({"extrapolation": (3.0, 3.0)}, "extrapolation=(3.0, 3.0)", "--extrapolation 3.0,3.0"),
    ({"subset_ratio": 0.0}, "subset_ratio=0.0", "--subset-ratio 0.0"),
    ({"overlap_ratio": 1.5}, "overlap_ratio=1.5", "--overlap-ratio 1.5"),
])
def test_bad_settings_name_the_argument_and_the_command_line_its_flag(arguments, named, flag):
    """Bad op, range or ratio: a UsageError naming the argument (and, as a flag, the flag)."""
    with pytest.raises(UsageError) as raised:
        ArithmeticData(**arguments)
    assert str(raised.value).startswith(named)
    assert raised.value.as_flag().startswith(flag)


def test_threshold_does_not_let_subtraction_errors_cancel():
    """For a - b the threshold is of the same order as for a + b (no cancellation)."""
    inputs = ArithmeticData().draw(np.random.default_rng(5), 200, (2.0, 6.0))
    mask = ArithmeticData().masks(0)
    add = ArithmeticData(op="add").threshold(inputs, mask, 1e-5)
    sub = ArithmeticData(op="sub").threshold(inputs, mask, 1e-5)
    assert 0.1 * add < sub <= add
