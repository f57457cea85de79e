"""Guarantees every registered unit and cell gives: contract, saving, finiteness, errors."""

import keras
import numpy as np
import pytest

import nalu
from tests.helpers import outputs_and_gradients, to_numpy
from tests.library.layer_contract import run_layer_contract

UNIT_NAMES = sorted(nalu.UNITS)
EXTREMES = np.array(
    [[0.0, 0.0], [-3.0, -2.0], [1e-30, 1e-30], [1e30, 1e30], [-1e30, 1e-30], [0.0, 1e30]],
    dtype="float32",
)


@pytest.mark.parametrize("name", UNIT_NAMES)
def test_layer_contract(name):
    """Keras' layer check passes: config/serialization round trip and a training step."""
    run_layer_contract(
        nalu.UNITS[name], {"units": 3}, input_shape=(4, 5),
        expected_output_shape=(4, 3), run_mixed_precision_check=False,
    )


@pytest.mark.parametrize("name", UNIT_NAMES)
def test_cell_contract(name):
    """Keras' layer check passes for an RNN over the unit's cell."""
    run_layer_contract(
        keras.layers.RNN, {"cell": nalu.CELLS[name](2)}, input_shape=(4, 6, 3),
        expected_output_shape=(4, 2), run_mixed_precision_check=False,
    )


def test_every_unit_has_a_cell():
    """The unit and cell registries name the same units."""
    assert set(nalu.UNITS) == set(nalu.CELLS)
    assert {"nac", "nalu", "nau", "nmu", "inalu", "npu", "realnpu"} <= set(nalu.UNITS)


def test_keras_file_round_trip(tmp_path):
    """A .keras model holding every layer and cell reloads with identical outputs."""
    inputs = keras.Input((5, 3))
    branches = [keras.layers.RNN(nalu.CELLS[name](2))(inputs) for name in UNIT_NAMES]
    flat = keras.layers.Flatten()(inputs)
    branches += [nalu.UNITS[name](2)(flat) for name in UNIT_NAMES]
    model = keras.Model(inputs, keras.layers.Concatenate()(branches))
    data = np.random.default_rng(1).uniform(0.5, 1.5, (4, 5, 3)).astype("float32")
    path = tmp_path / "all_units.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)
    np.testing.assert_array_equal(model.predict(data, verbose=0), reloaded.predict(data, verbose=0))
    assert [type(layer) for layer in reloaded.layers] == [type(layer) for layer in model.layers]


@pytest.mark.parametrize("name", UNIT_NAMES)
def test_finite_on_extreme_inputs(name):
    """Zeros, negatives, 1e-30 and 1e30 give finite outputs and finite gradients."""
    outputs, gradients = outputs_and_gradients(nalu.UNITS[name](2), EXTREMES)
    assert np.all(np.isfinite(outputs)), outputs
    for gradient in gradients:
        assert np.all(np.isfinite(gradient)), (name, gradient)


@pytest.mark.parametrize("name", UNIT_NAMES)
@pytest.mark.parametrize("units", [0, -2, 2.5, "3", True])
def test_bad_units_names_the_argument(name, units):
    """`units` that is not a positive integer raises a ValueError naming it and the value."""
    with pytest.raises(ValueError, match=rf"units={units!r}".replace("(", r"\(")):
        nalu.UNITS[name](units)


@pytest.mark.parametrize("name", ["nalu", "inalu", "npu", "realnpu"])
def test_negative_eps_names_the_argument(name):
    """A negative `eps` raises a ValueError naming it and the value."""
    with pytest.raises(ValueError, match=r"eps=-0\.1"):
        nalu.UNITS[name](2, eps=-0.1)


@pytest.mark.parametrize("name", UNIT_NAMES)
def test_copies_are_independent(name):
    """Copy k of a multi-copy layer computes exactly what a one-copy layer of seed k does."""
    inputs = np.random.default_rng(2).uniform(1, 2, (3, 4, 5)).astype("float32")
    together = nalu.UNITS[name](2, copy_seeds=[7, 8, 9])(inputs)
    alone = nalu.UNITS[name](2, copy_seeds=[8])(inputs[1:2])
    np.testing.assert_allclose(to_numpy(together)[1], to_numpy(alone)[0], rtol=1e-6)


@pytest.mark.parametrize("name", UNIT_NAMES)
def test_identity_recurrence_carries_the_state(name):
    """With identity_recurrence the state rows of the unit's weight are exactly I."""
    cell = nalu.CELLS[name](3, identity_recurrence=True)
    cell.build((None, 4))
    state_rows = to_numpy(cell.unit.weight_matrix())[:3]
    np.testing.assert_array_equal(state_rows, np.eye(3, dtype="float32"))


def test_models_saved_by_version_0_1_0_load_and_give_the_same_outputs():
    """A model of every unit and cell saved by nalu 0.1.0 loads and computes what it did."""
    from pathlib import Path

    folder = Path(__file__).parents[1] / "fixtures"
    model = keras.saving.load_model(folder / "units-0.1.0.keras")
    saved = np.load(folder / "units-0.1.0-outputs.npz")
    outputs = model.predict(saved["inputs"], verbose=0)
    assert len(outputs) == len(saved.files) - 1  # the units 0.1.0 had, heads and cells
    for index, output in enumerate(outputs):
        np.testing.assert_allclose(output, saved[f"arr_{index}"], rtol=1e-6)
