"""Programs: the interpreter agrees with Python, the encoding, the digit metric, bad input."""

import contextlib
import io

import numpy as np
import pytest

from data import programs
from errors import UsageError


@pytest.mark.parametrize("digits", [2, 4])
def test_the_printed_value_is_what_python_prints(digits):
    """Each program's value is what Python prints when it runs the program's text."""
    steps, values = programs.generate(200, digits, 4, np.random.default_rng(digits))
    for program, value in zip(steps, values, strict=True):
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(programs.program_text(program), {})  # noqa: S102  (our own generated text)
        assert int(printed.getvalue()) == value


def test_constants_have_the_digits_asked_for_and_ifs_branch_both_ways():
    """Three-digit programs have three-digit constants, and their ifs go both ways."""
    steps, _ = programs.generate(500, 3, 3, np.random.default_rng(1))
    constants = steps[:, :3, 6]
    assert constants.min() >= 100 and constants.max() <= 999
    assert (steps[:, 3:-1, 2] != steps[:, 3:-1, 3]).all()  # two different operands
    text = "\n".join(programs.program_text(program) for program in steps[:50])
    assert "if" in text and " - " in text and " + " in text


def test_encoding_is_one_hot_per_role_with_the_value_last():
    """A step's features: its kind, each role's variable where it has one, the constant."""
    steps = np.array([[[0, 1, 0, 0, 0, 0, 57], [3, 2, 0, 1, 1, 2, 0], [5, 0, 0, 0, 0, 0, 0]]])
    features = programs.encode(steps)
    assert features.shape == (1, 3, programs.FEATURES)
    kinds = len(programs.KINDS)
    assert features[0, 0, 0] == 1 and features[0, 0, programs.VALUE] == 57
    assert features[0, 0, kinds + 1] == 1 and features[0, 0, kinds + 3:programs.VALUE].sum() == 0
    # if b > c: c = a + b  ->  target c, left a, right b, compare b and c
    expected = {programs.KINDS.index("if_add"), kinds + 2, kinds + 3, kinds + 7, kinds + 10,
                kinds + 14}
    assert set(np.flatnonzero(features[0, 1])) == expected
    assert set(np.flatnonzero(features[0, 2])) == {programs.KINDS.index("print"), kinds}


def test_digit_match_counts_right_aligned_digits():
    """Matching digits: right-aligned, padded to the longer number, a wrong sign none."""
    shares = programs.digit_match(np.array([57.2, 1057, -57, 50, np.nan]),
                                  np.array([57, 57, 57, 57, 57]))
    np.testing.assert_allclose(shares, [1, 0.75, 0, 0.5, 0])


def test_bad_digits_and_statements_name_the_argument():
    """Digits outside 1-6 and negative statement counts are refused by name."""
    with pytest.raises(UsageError, match="digits 7"):
        programs.generate(1, 7, 3, np.random.default_rng(0))
    with pytest.raises(UsageError, match="statements -1"):
        programs.generate(1, 2, -1, np.random.default_rng(0))
