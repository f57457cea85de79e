"""The error type for bad input to the benchmark; the command line shows it as one line and
exits with code 2.

Code below the command line (data/, tasks/) names the Python argument and its value
(`UsageError("no such file or folder", argument="digits", value=path)` reads
`digits='x.npz': no such file or folder`); the command line says the same of its flag
(`--digits x.npz: no such file or folder`, `as_flag`).
"""


class UsageError(ValueError):
    """Bad input from the user (an argument, a path, a run folder); the message says what."""

    def __init__(self, message, argument=None, value=None):
        super().__init__(message)
        self.message, self.argument, self.value = message, argument, value

    def __str__(self):
        if self.argument is None:
            return self.message
        return f"{self.argument}={self.value!r}: {self.message}"

    def as_flag(self):
        """The message as the command line says it: `--flag value: message`."""
        if self.argument is None:
            return self.message
        value = self.value
        if isinstance(value, tuple | list):
            value = ",".join(str(item) for item in value)
        return f"--{self.argument.replace('_', '-')} {value}: {self.message}"
