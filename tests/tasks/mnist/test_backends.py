"""The MNIST tasks on every Keras backend: training runs to the end, and one model scores the
same whichever backend evaluates it."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT, TINY


def on_backend(backend, script, *arguments):
    """Run one of the project's commands under KERAS_BACKEND=`backend`; fail on a non-zero exit."""
    environment = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3",
                   "CUDA_VISIBLE_DEVICES": ""}
    result = subprocess.run([sys.executable, str(ROOT / script), *arguments], cwd=ROOT,
                            capture_output=True, text=True, env=environment)
    assert result.returncode == 0, result.stderr
    return result


def metrics(folder):
    return json.loads((folder / "results.json").read_text())["metrics"]


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_a_tensorflow_run_scores_the_same_on_another_backend(backend, finished_run, tmp_path):
    """evaluate.py under JAX or PyTorch gives a TensorFlow-trained run its saved figures."""
    pytest.importorskip(backend)
    copy = tmp_path / "run"
    shutil.copytree(finished_run, copy)
    on_backend(backend, "evaluate.py", str(copy), "--lengths", "3,30", "--replace", "--quiet")
    for length, saved in metrics(finished_run).items():
        assert metrics(copy)[length]["mae"] == pytest.approx(saved["mae"], rel=1e-4)
        assert metrics(copy)[length]["accuracy"] == saved["accuracy"]


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_an_mnist_run_trains_on_another_backend(backend, small_digits, tmp_path):
    """train.py runs to the end under JAX or PyTorch, and TensorFlow rescoring its saved model
    gives the figures it wrote."""
    pytest.importorskip(backend)
    on_backend(backend, "train.py", *TINY, "--digits", small_digits, "--out", str(tmp_path),
               "--name", backend)
    folder = tmp_path / backend
    results = json.loads((folder / "results.json").read_text())
    assert results["steps"] == 30 and results["final_loss"] is not None
    trained = metrics(folder)
    on_backend("tensorflow", "evaluate.py", str(folder), "--lengths", "3,30", "--replace",
               "--quiet")
    for length, figures in trained.items():
        assert metrics(folder)[length]["mae"] == pytest.approx(figures["mae"], rel=1e-4)
