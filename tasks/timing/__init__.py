"""Tracking time in a grid world (Trask et al. 2018, section 4.5)."""

from tasks.timing import task  # noqa: F401  (registration)
