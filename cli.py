"""Command-line plumbing shared by train.py, sweep.py, evaluate.py and report.py."""

import argparse
import sys

from data.errors import UsageError


class ArgumentParser(argparse.ArgumentParser):
    """argparse whose errors are one line, exit code 2, no usage dump."""

    def error(self, message):
        fail(message)

    def usage_error(self, message):
        return UsageError(message)


def fail(message):
    """Print `prog: error: message` on one line to stderr and exit with code 2."""
    print(f"{sys.argv[0].split('/')[-1]}: error: {message}", file=sys.stderr)
    sys.exit(2)
