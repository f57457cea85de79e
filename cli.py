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


def fail(message):
    """Print `prog: error: message` on one line to stderr and exit with code 2 (a UsageError
    names the flag of the argument it is about)."""
    if isinstance(message, UsageError):
        message = message.as_flag()
    print(f"{sys.argv[0].split('/')[-1]}: error: {message}", file=sys.stderr)
    sys.exit(2)


def or_fail(run):
    """`run()`'s return value; a UsageError raised inside becomes `fail`'s one line."""
    try:
        return run()
    except UsageError as error:
        fail(error)


def import_tensorflow_quietly():
    """Import TensorFlow with its C++ start-up lines (absl, oneDNN, CUDA probes) and its
    Python warnings silenced.

    Those lines ignore TF_CPP_MIN_LOG_LEVEL; they go to file descriptor 2, which is pointed
    at /dev/null for the import only. Set TF_CPP_MIN_LOG_LEVEL=0 to see them. Keras comes
    first: TensorFlow imported before Keras' torch backend crashes the process (segfault,
    TensorFlow 2.21 with torch 2.14).
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if os.environ["TF_CPP_MIN_LOG_LEVEL"] == "0":
        import keras  # noqa: F401
        import tensorflow  # noqa: F401

        return
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        import keras  # noqa: F401
        import tensorflow
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
    # its Python warnings too: the evaluator compiles a step per chunk length, which
    # TensorFlow reports as "retracing" on every run
    tensorflow.get_logger().setLevel("ERROR")


BACKENDS = ("jax", "tensorflow", "torch")  # "auto" takes the first installed: the fastest
# for the batched arithmetic trainer on a 2-core CPU (benchmarks.backend_speed)


def select_backend(argv):
    """Apply `--backend NAME` of `argv` (auto, jax, tensorflow, torch) to Keras before it is
    imported; returns the backend. "auto": the backend Keras already runs on in this
    process, else the first of BACKENDS that is installed. Bad or unusable: a UsageError."""
    import importlib.util

    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--backend", default="auto")
    wanted = pre.parse_known_args(argv)[0].backend
    if wanted != "auto" and wanted not in BACKENDS:
        raise UsageError(f"--backend {wanted}: choose auto or one of {', '.join(BACKENDS)}")
    running = sys.modules["keras"].backend.backend() if "keras" in sys.modules else None
    if wanted == "auto":
        if running:
            return running
        wanted = next(name for name in BACKENDS if importlib.util.find_spec(name) or
                      name == "tensorflow")
    if running and running != wanted:
        raise UsageError(f"--backend {wanted}: Keras already runs on {running} in this process")
    if importlib.util.find_spec(wanted) is None:
        extra = {"jax": "jax", "torch": "torch"}.get(wanted)
        hint = f' (pip install -e ".[{extra}]")' if extra else ""
        raise UsageError(f"--backend {wanted}: not installed{hint}")
    os.environ["KERAS_BACKEND"] = wanted
    return wanted
