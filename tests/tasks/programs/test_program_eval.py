"""program_eval: the configured units are exact far past the training range, a run, bad input."""

import json

import numpy as np
import pytest

from data import programs
from tests.conftest import refused_in_process


def exact_step(steps, signs):
    """What executes each step of `steps` (batch, 7) exactly, given the comparisons before
    it: the registers written (batch, REGISTERS) and the coefficients (batch, REGISTERS + 1)
    on the registers and the value."""
    from tasks.programs.model import PAIRS, REGISTERS

    written = np.zeros((len(steps), REGISTERS))
    coefficients = np.zeros((len(steps), REGISTERS + 1))
    for row, (kind, target, left, right, u, v, _) in enumerate(steps):
        name = programs.KINDS[kind]
        pair = PAIRS.index((min(u, v), max(u, v))) if name.startswith("if_") else None
        if pair is not None and signs[row, pair] * (1 if u < v else -1) <= 0:
            continue  # the if's comparison fails: nothing is written
        if name == "set":
            written[row, target], coefficients[row, REGISTERS] = 1, 1
        elif name == "print":
            written[row, REGISTERS - 1], coefficients[row, target] = 1, 1
        else:
            written[row, target] = 1
            coefficients[row, left] = 1
            coefficients[row, right] = 1 if name.endswith("add") else -1
    return written, coefficients


def parameters_of(unit, written, coefficients):
    """The configure layer's output that gives these d and c exactly (saturated for nac)."""
    if unit == "nau":  # clip(2) = 1, clip(-2) = 0
        return np.concatenate([4 * written - 2, 4 * (coefficients > 0) - 2,
                               4 * (coefficients < 0) - 2], axis=1)
    used = coefficients != 0  # tanh(+-20) = +-1, sigmoid(+-40) = 1 or ~4e-18
    return np.concatenate([80 * written - 40, 20 * coefficients, 80 * used - 40], axis=1)


@pytest.mark.parametrize("unit", ["nau", "nac"])
def test_configured_units_execute_four_digit_programs_exactly(unit):
    """Set to the exact weights, a unit's registers print every four-digit program's value
    after rounding, through the model's scaled float32 registers."""
    import keras

    from tasks.programs.model import REGISTERS, SCALE, ConfiguredUnitCell, comparisons

    steps, values = programs.generate(300, 4, 6, np.random.default_rng(5))
    cell = ConfiguredUnitCell(8, unit)
    registers = np.zeros((len(steps), REGISTERS), dtype="float32")
    for index in range(steps.shape[1]):
        step = steps[:, index]
        signs = keras.ops.convert_to_numpy(comparisons(registers))
        parameters = parameters_of(unit, *exact_step(step, signs)).astype("float32")
        value = (step[:, 6:] / SCALE).astype("float32")
        registers = keras.ops.convert_to_numpy(cell.update(registers, value, parameters))
    np.testing.assert_array_equal(np.round(registers[:, -1] * SCALE), values)


def test_a_run_writes_its_scores_per_digit_count(tmp_path):
    """A short run writes config, model and a results.json with shares per digit count."""
    import train as train_command

    assert train_command.main(["--task", "program_eval", "--steps", "20", "--test-digits",
                               "2,4", "--programs", "50", "--quiet", "--out", str(tmp_path),
                               "--name", "run"]) == 0
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    assert results["core"] == "nau" and set(results["metrics"]) == {"2", "4"}
    for metric in results["metrics"].values():
        assert metric["programs"] == 50 and 0 <= metric["exact"] <= metric["digits"] <= 1
    assert (tmp_path / "run" / "model.keras").stat().st_size > 0
    from tasks.saved_runs import open_run

    run = open_run(tmp_path / "run")  # the saved model scores as the run did
    assert run.task.score(run.load_model(), *run.task.test_programs(run.config, 4)) == (
        results["metrics"]["4"])


@pytest.mark.parametrize(("arguments", "message"), [
    (["--core", "gru"], "--core gru: choose from lstm, nac, nau, nalu"),
    (["--test-digits", "2,9"], "--test-digits 2,9: digit counts go from 1 to 6"),
    (["--statements", "-1"], "--statements -1: must be an integer of at least 0"),
    (["--head", "nac"], "--head nac: program_eval does not use this setting"),
    (["--len", "5"], "--len 5: program_eval does not use this setting"),
])
def test_bad_settings_are_refused_in_one_line(arguments, message, tmp_path, capsys):
    """Bad program_eval settings end in one line naming the flag, before any folder."""
    import train as train_command

    code, lines = refused_in_process(
        train_command.main, ["--task", "program_eval", "--out", str(tmp_path), *arguments],
        capsys)
    assert code == 2 and len(lines) == 1 and message in lines[0]
    assert not any(tmp_path.iterdir())
