"""Job functions for the job-runner tests (imported by the Ray workers by name)."""

import os
import signal
from pathlib import Path


def square(value):
    return value * value


def die_once(marker, value):
    """SIGKILL this worker process the first time (leaving `marker`), answer the second."""
    if not Path(marker).exists():
        Path(marker).write_text(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)
    return value


def always_fails(message):
    raise RuntimeError(message)
