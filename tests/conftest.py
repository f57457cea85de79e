"""Quiet TensorFlow, fix seeds, and keep every test on the CPU and off the network."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
# the arithmetic trainer without XLA even if the caller's shell asks for it (one test
# turns it on): one process compiling many models with XLA has died (tasks.arithmetic.trainer)
os.environ.setdefault("NALU_XLA", "0")

import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from data.digits import load_bundled  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TINY = ["--task", "mnist_sum", "--len", "3", "--steps", "30", "--batch-size", "4",
        "--eval-lengths", "3,30", "--eval-sequences", "16", "--quiet"]


def run_script(script, *arguments, check=True):
    """Run one of the project's commands as a user would, from the checkout's root: a script
    (`train.py`) or a module (`benchmarks.diagnostics.digit_errors`, run with -m); capture
    its output."""
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    command = [str(ROOT / script)] if script.endswith(".py") else ["-m", script]
    return subprocess.run([sys.executable, *command, *arguments], cwd=ROOT,
                          capture_output=True, text=True, env=environment, check=check)


def refused_in_process(main, arguments, capsys):
    """Run a command's `main(arguments)` in this process, as the command line does; return
    (exit code, stderr lines). Bad input must end in `sys.exit(2)` with one line; anything
    else (a traceback) fails the test."""
    with pytest.raises(SystemExit) as exited:
        main(arguments)
    return exited.value.code, capsys.readouterr().err.strip().splitlines()


def train(*arguments, check=True):
    return run_script("train.py", *arguments, check=check)


@pytest.fixture(autouse=True)
def _seed():
    keras.utils.set_random_seed(0)
    yield


@pytest.fixture(scope="session")
def small_digits(tmp_path_factory):
    """200 train / 60 test bundled digits as an mnist.npz."""
    digits = load_bundled()
    path = tmp_path_factory.mktemp("digits") / "small.npz"
    np.savez(path, x_train=digits.train_images[::20], y_train=digits.train_labels[::20],
             x_test=digits.test_images[::16], y_test=digits.test_labels[::16])
    return str(path)


@pytest.fixture(scope="session")
def finished_run(tmp_path_factory, small_digits):
    out = tmp_path_factory.mktemp("runs")
    train(*TINY, "--digits", small_digits, "--out", str(out), "--name", "run")
    return out / "run"
