"""Running-form models: accumulators (`acc-first-second`), pairs, and the prefix loss."""

import dataclasses

import keras
import numpy as np
import pytest

from data.arithmetic import ArithmeticData
from errors import UsageError
from tasks.arithmetic.models import ArithmeticModel, check_model, describe
from tasks.arithmetic.settings import ArithmeticSettings, default_settings
from tasks.arithmetic.trainer import SeedData

SETTINGS = ArithmeticSettings(eval_samples=200, pool_size=64, train_length=10,
                              eval_length=1000)
SEEDS = [4, 7]


def _exact_accumulator(data, head, head_weights):
    """`acc-nau-HEAD` with the NAU selecting a and b and the head's weights given."""
    model = ArithmeticModel(f"acc-nau-{head}", "running", SEEDS, lambda unit: {})
    model(np.ones((len(SEEDS), 1, 3, data.input_size), dtype="float32"))
    first, second = model.layers
    first.kernel.assign(np.stack([data.masks(seed) for seed in SEEDS]))
    second.kernel.assign(np.array([head_weights] * len(SEEDS), dtype="float32"))
    if head == "realnpu":
        second.gate.assign(np.ones(second.gate.shape, dtype="float32"))
    return model


def _errors(model, inputs, targets):
    outputs = keras.ops.convert_to_numpy(model(inputs))
    return np.mean((outputs - keras.ops.convert_to_numpy(targets)) ** 2, axis=(1, 2))


@pytest.mark.parametrize("op, head, weights", [
    ("div", "realnpu", [[1.0], [-1.0]]),
    ("sqrt", "realnpu", [[0.5], [0.0]]),
    ("mul", "nmu", [[1.0], [1.0]]),
])
def test_exact_accumulator_meets_the_criterion_at_length_1000(op, head, weights):
    """An accumulator with exact weights, scored as the trainer scores it (length 1000,
    the 1e-5-perturbed threshold), succeeds; with a's weights 2% too large it fails."""
    data = ArithmeticData(op=op, form="running", input_size=10)
    seed_data = SeedData(data, SETTINGS, SEEDS)
    inputs, targets = seed_data.extrapolation
    model = _exact_accumulator(data, head, weights)
    errors = _errors(model, inputs, targets)
    assert np.all(errors < seed_data.thresholds)
    kernel = model.layers[0].kernel
    kernel.assign(keras.ops.convert_to_numpy(kernel) * [1.02, 1.0])
    errors = _errors(model, inputs, targets)
    assert np.all(errors > seed_data.thresholds)


@pytest.mark.parametrize("name", ["acc-nau-realnpu", "nac-nmu"])
def test_every_step_gives_the_output_of_each_prefix(name):
    """`every_step`'s column t is the model's output on the first t + 1 steps."""
    rng = np.random.default_rng(0)
    inputs = rng.uniform(1, 2, size=(2, 5, 6, 10)).astype("float32")
    model = ArithmeticModel(name, "running", SEEDS, lambda unit: {})
    model(inputs[:, :, :1])
    every = keras.ops.convert_to_numpy(model.every_step(inputs))
    assert every.shape == (2, 5, 6)
    for step in range(6):
        prefix = keras.ops.convert_to_numpy(model(inputs[:, :, :step + 1]))
        np.testing.assert_allclose(every[..., step], prefix[..., 0], rtol=1e-5)


def test_prefix_targets_are_the_targets_of_each_prefix():
    data = ArithmeticData(op="div", form="running", input_size=10)
    inputs = data.draw(np.random.default_rng(1), 8, (1.0, 2.0), length=5)
    prefix = data.prefix_targets(inputs, data.masks(3))
    assert prefix.shape == (8, 5)
    for step in range(5):
        np.testing.assert_allclose(prefix[:, step],
                                   data.targets(inputs[:, :step + 1], data.masks(3))[:, 0],
                                   rtol=1e-6)


def test_prefix_loss_pool_holds_a_target_per_step():
    """With `prefix_loss` the training pool's targets are per step; scoring stays final."""
    data = ArithmeticData(op="sqrt", form="running", input_size=10)
    settings = dataclasses.replace(SETTINGS, prefix_loss=True)
    seed_data = SeedData(data, settings, SEEDS)
    assert tuple(seed_data.pool[1].shape) == (2, 64, 10)
    assert tuple(seed_data.extrapolation[1].shape) == (2, 20, 1)


def test_accumulators_are_for_the_running_form_only():
    check_model("acc-nau-realnpu", "running")
    assert describe("acc-nau-realnpu") == "acc-nau-realnpu"
    with pytest.raises(UsageError, match="--core acc-nau-realnpu: .*arith_running only"):
        check_model("acc-nau-realnpu", "static", flag="--core")
    with pytest.raises(UsageError, match="--units acc-nau-bogus: unknown model"):
        check_model("acc-nau-bogus", "running")


def test_a_running_head_brings_its_recipe():
    """The head's `running_head` settings (tasks/arithmetic/units.py) apply to any running
    model it tops, and to no static one."""
    plain = default_settings("running")
    head = default_settings("running", "acc-nau-realnpu")
    assert head.prefix_loss and not plain.prefix_loss
    assert head == default_settings("running", "nac-realnpu")
    assert default_settings("running", "nac") == plain
    assert not default_settings("static", "nau-realnpu").prefix_loss
