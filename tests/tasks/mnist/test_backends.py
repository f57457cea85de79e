"""The MNIST tasks on every Keras backend: training runs to the end, and one model scores the
same whichever backend evaluates it."""

import importlib.util
import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT, TINY


def on_backend(backend, script, *arguments):
    """Run one of the project's commands (or `-c` code) under KERAS_BACKEND=`backend`; fail
    on a non-zero exit."""
    environment = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3",
                   "CUDA_VISIBLE_DEVICES": ""}
    command = [script] if script == "-c" else [str(ROOT / script)]
    result = subprocess.run([sys.executable, *command, *arguments], cwd=ROOT,
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
    rescore = [str(folder), "--lengths", "3,30", "--replace", "--quiet"]
    import keras

    if keras.backend.backend() == "tensorflow":  # in this process: one TensorFlow start less
        from evaluate import main

        main(rescore)
    else:
        on_backend("tensorflow", "evaluate.py", *rescore)
    for length, figures in trained.items():
        assert metrics(folder)[length]["mae"] == pytest.approx(figures["mae"], rel=1e-4)


STEPS_SCRIPT = """
import sys
import numpy as np
import keras
from tasks import get_task
from tasks.mnist.config import MnistConfig

def train_steps(folder):
    # the default mnist_sum model from start.npz, one step per batch of batches.npz; its
    # losses and weights into <folder>/<backend>.npz
    task = get_task("mnist_sum")
    model = task.make_model(MnistConfig(task="mnist_sum").resolved(task.defaults))
    start = np.load(folder + "/start.npz")
    model.set_weights([start[name] for name in start.files])
    data = np.load(folder + "/batches.npz")
    losses = [float(model.train_on_batch(images, targets))
              for images, targets in zip(data["images"], data["targets"], strict=True)]
    np.savez(folder + "/" + keras.backend.backend() + ".npz", losses=np.array(losses),
             *model.get_weights())

if __name__ == "__main__":
    train_steps(sys.argv[1])
"""


def test_the_mnist_model_trains_alike_on_every_backend(tmp_path):
    """From the same weights and batches, steps of the default mnist_sum model (its layer
    normalisation, Adam and cosine schedule) give the same losses and weights under
    TensorFlow, JAX and PyTorch: what differs between backends' runs is the draw of the
    initial weights from a seed (and round-off), not the training."""
    import keras
    import numpy as np

    from tasks import get_task
    from tasks.mnist.config import MnistConfig

    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, size=(4, 4, 10))
    images = rng.random((4, 4, 10, 28, 28, 1), dtype=np.float32) * (labels[..., None, None,
                                                                             None] + 1) / 10
    np.savez(tmp_path / "batches.npz", images=images,
             targets=labels.sum(axis=-1, keepdims=True).astype("float32"))
    keras.utils.set_random_seed(0)
    task = get_task("mnist_sum")
    np.savez(tmp_path / "start.npz", *task.make_model(
        MnistConfig(task="mnist_sum").resolved(task.defaults)).get_weights())
    namespace = {"__name__": "steps"}
    exec(STEPS_SCRIPT, namespace)
    namespace["train_steps"](str(tmp_path))  # on this process's backend
    here = keras.backend.backend()
    backends = [name for name in ("tensorflow", "jax", "torch")
                if name != here and importlib.util.find_spec(name)]
    for backend in backends:
        on_backend(backend, "-c", STEPS_SCRIPT, str(tmp_path))
    reference = np.load(tmp_path / f"{here}.npz")
    start = np.load(tmp_path / "start.npz")
    assert reference["losses"][-1] < reference["losses"][0]  # the steps do train
    for backend in backends:
        other = np.load(tmp_path / f"{backend}.npz")
        np.testing.assert_allclose(other["losses"], reference["losses"], rtol=1e-3)
        # Adam moves a weight whose gradient is near zero by up to the learning rate either
        # way, so the weights are compared by how far the steps moved them
        moved = sum(np.sum((reference[name] - start[name]) ** 2) for name in start.files)
        apart = sum(np.sum((other[name] - reference[name]) ** 2) for name in start.files)
        assert apart < 1e-6 * moved, (backend, apart / moved)
