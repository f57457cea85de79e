"""Argument checks shared by every unit: one-line errors that name the argument."""

import numbers


def check_positive_int(name, value):
    """Return `value` as an int, or raise ValueError naming `name` and the value."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"`{name}` must be a positive integer, received: {name}={value!r}")
    return int(value)


def check_non_negative(name, value):
    """Return `value` as a float, or raise ValueError naming `name` and the value."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0:
        raise ValueError(f"`{name}` must be a non-negative number, received: {name}={value!r}")
    return float(value)


def check_positive(name, value):
    """Return `value` as a float, or raise ValueError naming `name` and the value."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
        raise ValueError(f"`{name}` must be a positive number, received: {name}={value!r}")
    return float(value)
