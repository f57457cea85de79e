"""The arithmetic tasks (`arith_static`, `arith_running`): one seed through train.py, many
through sweep.py (`tasks.arithmetic.sweep`)."""

from tasks.arithmetic import task  # noqa: F401  (registration)
