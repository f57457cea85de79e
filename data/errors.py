"""The error type for bad user input: its message is shown as one line, exit code 2."""


class UsageError(ValueError):
    """Bad input from the user (a flag, a path, a run folder); the message says what."""
