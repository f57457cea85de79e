"""The arithmetic trainer: success criterion, learning over seeds, independence of seeds."""

import dataclasses

import numpy as np
import pytest

from data.arithmetic import ArithmeticData
from tasks.arithmetic.models import ArithmeticModel
from tasks.arithmetic.settings import (
    ArithmeticSettings,
    default_settings,
    learning_rate_schedule,
    recipe_name,
)
from tasks.arithmetic.trainer import SeedData, train_copies

SETTINGS = ArithmeticSettings(steps=400, eval_every=200, eval_samples=200, pool_size=512)


def _exact_nau_model(data, seeds, perturbation=0.0):
    model = ArithmeticModel("nau", "static", seeds, lambda unit: {})
    model(np.ones((len(seeds), 1, data.input_size), dtype="float32"))
    first, second = model.layers
    first.kernel.assign(np.stack([data.masks(seed) for seed in seeds]) + perturbation)
    second.kernel.assign(np.full((len(seeds), 2, 1), 1.0 - perturbation, dtype="float32"))
    return model


def _extrapolation_mse(model, seed_data):
    inputs, targets = seed_data.extrapolation
    return np.mean((np.asarray(model(inputs)) - np.asarray(targets)) ** 2, axis=(1, 2))


@pytest.mark.parametrize("op", ["add", "sub"])
def test_exact_solution_meets_the_criterion(op):
    """A hand-built exact NAU model's extrapolation MSE is below the threshold."""
    data, seeds = ArithmeticData(op=op), [0, 1]
    model = _exact_nau_model(data, seeds) if op == "add" else None
    if op == "sub":
        model = _exact_nau_model(data, seeds)
        model.layers[1].kernel.assign(np.array([[[1.0], [-1.0]]] * 2, dtype="float32"))
    seed_data = SeedData(data, SETTINGS, seeds)
    assert np.all(_extrapolation_mse(model, seed_data) < seed_data.thresholds)


def test_perturbed_solution_fails_the_criterion():
    """The same model with weights moved by 1e-3 does not meet it."""
    data, seeds = ArithmeticData(op="add"), [0, 1]
    seed_data = SeedData(data, SETTINGS, seeds)
    model = _exact_nau_model(data, seeds, perturbation=1e-3)
    assert np.all(_extrapolation_mse(model, seed_data) > seed_data.thresholds)


def test_seed_results_do_not_depend_on_the_other_seeds():
    """Seed 3 trained alone and trained beside seeds 1 and 2 ends with the same error."""
    data = ArithmeticData(op="add")
    alone = train_copies(data, SETTINGS, "nac", [3])[0]
    together = train_copies(data, SETTINGS, "nac", [1, 2, 3])[2]
    assert alone["seed"] == together["seed"] == 3
    np.testing.assert_allclose(alone["extrapolation_mse"], together["extrapolation_mse"],
                               rtol=1e-3)


def test_nau_learns_addition_and_meets_the_criterion():
    """NAU add over 2 seeds: extrapolation MSE below the 1e-5-perturbed solution's."""
    settings = ArithmeticSettings(steps=30000, eval_every=5000, eval_samples=200,
                                  learning_rate=0.01)
    results = train_copies(ArithmeticData(op="add"), settings, "nau", [0, 1])
    for result in results:
        assert result["extrapolation_mse"] < result["threshold_mse"]
        assert result["success"] and result["solved_at"] <= 30000


def test_hold_schedule_holds_then_drops_tenfold_twice():
    """"hold": the rate stays until hold_fraction of the steps, then /10, then /100."""
    settings = ArithmeticSettings(steps=1000, learning_rate=0.03, schedule="hold",
                                  hold_fraction=0.8)
    schedule = learning_rate_schedule(settings)
    rates = [float(schedule(step)) for step in (0, 799, 801, 899, 901, 999)]
    np.testing.assert_allclose(rates, [0.03, 0.03, 0.003, 0.003, 0.0003, 0.0003], rtol=1e-6)


@pytest.mark.slow  # about a minute alone on 2 cores; `pytest -m slow` runs it
def test_nmu_learns_multiplication_with_the_default_static_recipe(monkeypatch):
    """NAU -> NMU on `mul` meets the criterion (2 seeds) through the XLA-compiled loop."""
    monkeypatch.setenv("NALU_XLA", "1")
    settings = dataclasses.replace(default_settings("static", "nmu"), eval_samples=200)
    results = train_copies(ArithmeticData(op="mul"), settings, "nmu", [0, 1])
    for result in results:
        assert result["extrapolation_mse"] < result["threshold_mse"]
        assert result["success"] and result["sparsity_error"] < 1e-3


def test_each_model_gets_the_recipe_of_its_output_unit():
    """NMU-topped models train with beta_1 0.999 ("averaged"), the others with "standard"."""
    assert recipe_name("nmu") == recipe_name("nau-nmu") == "averaged"
    assert recipe_name("nau") == recipe_name("nac") == recipe_name("nmu-nau") == "standard"
    assert recipe_name("linear") == "standard"
    assert default_settings("static", "nmu").beta_1 == 0.999
    assert default_settings("static", "nac").beta_1 == 0.9
    assert default_settings("running", "nmu").steps == default_settings("running").steps
