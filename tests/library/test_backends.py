"""One model on every installed Keras backend: a `.keras` file saved on the backend that
runs the tests loads on each other backend and computes the same outputs there."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest

import nalu

ROOT = Path(__file__).resolve().parents[2]
BACKENDS = ("tensorflow", "jax", "torch")
OTHERS = [backend for backend in BACKENDS if backend != keras.backend.backend()]
PREDICT = """
import sys
from pathlib import Path
import numpy as np
import keras
import nalu  # registers the layers
model = keras.saving.load_model(sys.argv[1])
np.savez(sys.argv[3], *model.predict(np.load(sys.argv[2]), verbose=0))
print(keras.backend.backend())
"""


def every_unit_model():
    """A Dense encoder with a head of every unit, and an RNN over every cell."""
    inputs = keras.Input((5, 3))
    encoded = keras.layers.Dense(4, activation="relu")(keras.layers.Flatten()(inputs))
    heads = [nalu.UNITS[name](2)(encoded) for name in sorted(nalu.UNITS)]
    cells = [keras.layers.RNN(nalu.CELLS[name](2))(inputs) for name in sorted(nalu.CELLS)]
    return keras.Model(inputs, heads + cells)


@pytest.mark.parametrize("other", OTHERS)
def test_a_file_saved_here_gives_the_same_outputs_on(other, tmp_path):
    """Saved here, loaded under `other`: every head's and cell's outputs agree to 1e-4
    (float32 log and exp differ by ulps between backends, and real powers amplify them)."""
    module = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}[other]
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"the {other} backend is not installed")
    model = every_unit_model()
    inputs = np.random.default_rng(3).uniform(-2, 2, (8, 5, 3)).astype("float32")
    here = model.predict(inputs, verbose=0)
    np.save(tmp_path / "inputs.npy", inputs)
    model.save(tmp_path / "model.keras")
    environment = {**os.environ, "KERAS_BACKEND": other, "CUDA_VISIBLE_DEVICES": ""}
    done = subprocess.run(
        [sys.executable, "-c", PREDICT, str(tmp_path / "model.keras"),
         str(tmp_path / "inputs.npy"), str(tmp_path / "there.npz")],
        capture_output=True, text=True, env=environment, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-1] == other
    there = np.load(tmp_path / "there.npz")
    assert len(there.files) == len(here) == 2 * len(nalu.UNITS)
    for index, output in enumerate(here):
        np.testing.assert_allclose(there[f"arr_{index}"], output, rtol=1e-4, atol=1e-6,
                                   err_msg=f"output {index}")
