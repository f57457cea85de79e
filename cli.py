"""Command-line plumbing shared by train.py, sweep.py, evaluate.py and report.py."""

import argparse
import os
import sys

from errors import UsageError


class ArgumentParser(argparse.ArgumentParser):
    """argparse whose errors are one line, exit code 2, no usage dump."""

    def error(self, message):
        fail(message)

    def usage_error(self, message):
        return UsageError(message)


def number(flag, value, kind=int):
    """`value` as `kind` (None stays None), or a UsageError naming `--flag` and the value."""
    if value is None:
        return None
    try:
        return kind(value)
    except ValueError:
        expected = "an integer" if kind is int else "a number"
        raise UsageError(f"--{flag} {value}: must be {expected}") from None


def integers(flag, text, minimum=1):
    """'0,1,2' -> [0, 1, 2], each at least `minimum`; a UsageError naming `--flag` otherwise."""
    parts = [part.strip() for part in str(text).split(",")]
    try:
        values = [int(part) for part in parts]
    except ValueError:
        values = None
    if not values or any(value < minimum for value in values):
        raise UsageError(f"--{flag} {text}: must be a comma-separated list of integers "
                         f">= {minimum}")
    return values


def fail(message):
    """Print `prog: error: message` on one line to stderr and exit with code 2 (a UsageError
    names the flag of the argument it is about)."""
    if isinstance(message, UsageError):
        message = message.as_flag()
    print(f"{sys.argv[0].split('/')[-1]}: error: {message}", file=sys.stderr)
    sys.exit(2)


def import_tensorflow_quietly():
    """Import TensorFlow with its C++ start-up lines (absl, oneDNN, CUDA probes) silenced.

    Those lines ignore TF_CPP_MIN_LOG_LEVEL; they go to file descriptor 2, which is pointed
    at /dev/null for the import only. Set TF_CPP_MIN_LOG_LEVEL=0 to see them.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if os.environ["TF_CPP_MIN_LOG_LEVEL"] == "0":
        import tensorflow  # noqa: F401

        return
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        import tensorflow  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
