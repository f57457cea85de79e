"""How the arithmetic tasks train: recipes, schedules, the batched trainer and its metric.

All seeds of one configuration train together as one computation (see `arith_models`).
A seed SUCCEEDS when its extrapolation MSE is below the MSE of the exact solution with every
weight perturbed by `epsilon` (Madsen & Johansen 2020); its "solved at" step is the first
evaluation at which that holds; its sparsity error is `max_w min(|w|, |1 - |w||)`.
"""

import dataclasses
import time

import keras
import numpy as np

import nalu
from tasks.arith_models import BASELINES, ArithmeticModel, describe, layer_pair
from tasks.arithmetic_steppers import stepper
from tasks.progress import bar
from tasks.unit_training import unit_training


@dataclasses.dataclass(frozen=True)
class ArithmeticSettings:
    """How a configuration is trained and scored."""

    steps: int = 60000
    batch_size: int = 128
    learning_rate: float = 0.1
    final_learning_rate_ratio: float = 1e-3  # the rate decays exponentially to lr * this
    schedule: str = "exponential"  # "hold": lr until hold_fraction, then /10, /100; "constant"
    hold_fraction: float = 0.8
    optimizer: str = "adam"  # or "rmsprop"
    beta_1: float = 0.9  # Adam's first-moment decay
    clip_value: float | None = None  # each gradient element clipped to +-clip_value
    depth: int = 2  # static unit models: 2 = first layer -> unit, 1 = the unit alone
    train_length: int = 10  # running form only
    eval_length: int = 1000  # running form only
    eval_every: int = 1000
    eval_samples: int = 1000  # per seed (static); running uses eval_samples // 10
    pool_size: int = 4096  # training samples drawn once per seed, cycled through
    epsilon: float = 1e-5
    identity_recurrence: bool = True  # running form: unit cells start as exact accumulators
    regularizer_start: float = 0.3  # fraction of the steps where the sparsity ramp starts
    regularizer_end: float = 0.6
    # unit name -> constructor options replacing the unit's defaults, e.g.
    # {"realnpu": {"kernel_initializer": "zeros"}}
    unit_options: dict = dataclasses.field(default_factory=dict)


STANDARD = ArithmeticSettings()
# Adam's beta_1 at 0.999 averages the gradient over ~1,000 steps: the recipe under which
# NAU -> NMU leaves the symmetric saddle of `mul` (see `default_settings`).
AVERAGED = ArithmeticSettings(
    steps=150000, learning_rate=0.03, schedule="hold", hold_fraction=0.8, beta_1=0.999,
    regularizer_start=0.6, regularizer_end=0.8,
)
RECIPES = {"standard": STANDARD, "averaged": AVERAGED}


def recipe_name(model_name):
    """The static recipe of a model: its output unit's (`tasks.unit_training`)."""
    if model_name in BASELINES:
        return "standard"
    return unit_training(layer_pair(model_name)[1].unit_name).recipe


def default_settings(form, model_name=None):
    """The measured defaults of a model.

    Running: 20,000 steps at lr 0.01, exponential decay. Cells start at the identity
    recurrence; with lr 0.1, Adam's normalised steps walk the saturated recurrent weights
    away from it again after they had solved the task.
    Static, "standard" (every unit but the NMU): 60,000 steps, Adam 0.1 decayed to 1e-4.
    Static, "averaged" (models whose output unit is a NMU): NAU -> NMU on `mul` stalls at
    the symmetric point h1 = h2 = (a + b) / 2, where the gradient that separates a from b
    is about 1e-3 of the batch noise per weight; with beta_1 0.9 it takes about a million
    steps to leave it. With beta_1 0.999 it leaves in about 100,000 (median solved-at
    ~122,000; benchmarks/nmu_symmetry.py compares the settings): 150,000 steps, the rate
    held at 0.03 while the weights find their places, the sparsity ramp from 60% to 80%
    of the steps, then the rate drops 10x and 100x so that the weights settle within the
    1e-5 criterion. The NAC does worse under it (89% on add over 100 seeds against 100%),
    hence two recipes.
    """
    if form == "running":
        return ArithmeticSettings(steps=20000, learning_rate=0.01)
    return RECIPES[recipe_name(model_name)] if model_name else STANDARD


def unit_options(settings):
    """Constructor arguments of a unit: its paper regularizers, ramped in (the sparsity
    regularizer of the NAU and NMU, iNALU's discretization of W_hat, M_hat and the gate),
    the unit's `options` (`tasks.unit_training`), then the settings' `unit_options`."""

    start = int(settings.regularizer_start * settings.steps)
    end = int(settings.regularizer_end * settings.steps)

    def options(unit_class):
        training = unit_training(unit_class.unit_name)
        chosen = {}
        if training.sparsity_strength is not None:
            chosen["kernel_regularizer"] = nalu.SparsityRegularizer(
                training.sparsity_strength, start, end)
        if training.discretization_strength is not None:
            for weight in ("w_hat", "m_hat", "gate"):
                chosen[f"{weight}_regularizer"] = nalu.DiscretizationRegularizer(
                    training.discretization_strength, start, end)
        return {**chosen, **training.options,
                **settings.unit_options.get(unit_class.unit_name, {})}

    return options


def learning_rate_schedule(settings):
    """Exponential decay to `lr * final_learning_rate_ratio`, hold-then-drop ("hold"), or a
    constant rate."""
    if settings.schedule == "constant":
        return settings.learning_rate
    if settings.schedule == "hold":
        first = int(settings.hold_fraction * settings.steps)
        second = (first + settings.steps) // 2
        rate = settings.learning_rate
        return keras.optimizers.schedules.PiecewiseConstantDecay(
            [first, second], [rate, rate / 10, rate / 100]
        )
    return keras.optimizers.schedules.ExponentialDecay(
        settings.learning_rate, settings.steps, settings.final_learning_rate_ratio
    )


def make_optimizer(settings):
    """Adam (with `beta_1`) or RMSprop at the schedule's rate; `clip_value` clips each
    gradient element, so the seeds' copies stay independent."""
    rate = learning_rate_schedule(settings)
    if settings.optimizer == "rmsprop":
        return keras.optimizers.RMSprop(rate, clipvalue=settings.clip_value)
    return keras.optimizers.Adam(rate, beta_1=settings.beta_1, clipvalue=settings.clip_value)


class SeedData:
    """Every seed's fixed subsets, training pool, and evaluation sets, stacked over seeds.

    Seed k's data depends on seed k alone. `thresholds[k]` is the extrapolation MSE of the
    exact solution with every weight perturbed by `settings.epsilon` (worst sign pattern).
    """

    def __init__(self, data, settings, seeds):
        running = data.form == "running"
        train_length = settings.train_length if running else None
        eval_length = settings.eval_length if running else None
        samples = max(settings.eval_samples // 10, 10) if running else settings.eval_samples
        eval_range = data.interpolation if running else data.extrapolation
        masks = [data.masks(seed) for seed in seeds]
        rngs = [np.random.default_rng([seed, 0xDA7A]) for seed in seeds]
        pool = [data.draw(rng, settings.pool_size, data.interpolation, train_length)
                for rng in rngs]
        interpolation = [data.draw(rng, samples, data.interpolation, train_length)
                         for rng in rngs]
        extrapolation = [data.draw(rng, samples, eval_range, eval_length) for rng in rngs]
        self.thresholds = np.array([
            data.threshold(inputs, mask, settings.epsilon)
            for inputs, mask in zip(extrapolation, masks, strict=True)
        ])

        def stacked(inputs_list):
            inputs = np.stack(inputs_list)
            targets = np.stack([data.targets(x, mask)
                                for x, mask in zip(inputs_list, masks, strict=True)])
            return keras.ops.convert_to_tensor(inputs), keras.ops.convert_to_tensor(targets)

        self.pool = stacked(pool)
        self.interpolation = stacked(interpolation)
        self.extrapolation = stacked(extrapolation)


def train_copies(data, settings, model_name, seeds, quiet=True):
    """Train one model per seed, all at once, on the backend Keras runs on
    (`tasks.arithmetic_steppers`); return a list of per-seed result dicts."""
    seeds = [int(seed) for seed in seeds]
    seed_data = SeedData(data, settings, seeds)
    thresholds = seed_data.thresholds
    interpolation_set, extrapolation_set = seed_data.interpolation, seed_data.extrapolation

    keras.utils.set_random_seed(seeds[0])
    model = ArithmeticModel(model_name, data.form, seeds, unit_options(settings),
                            identity_recurrence=settings.identity_recurrence,
                            depth=settings.depth)
    model(seed_data.pool[0][:, :2])  # build
    optimizer = make_optimizer(settings)
    optimizer.build(model.trainable_weights)
    regularizers = [value for layer in model.layers
                    for value in vars(getattr(layer, "unit", layer)).values()
                    if isinstance(value, nalu.ScheduledRegularizer)]
    steps = stepper(model, optimizer, regularizers, seed_data.pool, settings)
    evaluate = steps.evaluate

    initial_extrapolation = evaluate(*extrapolation_set)
    solved_at = [None] * len(seeds)
    progress = bar(settings.steps, f"{describe(model_name)} {data.op}", quiet, unit="step")
    started = time.perf_counter()
    for first in range(0, settings.steps, settings.eval_every):
        count = min(settings.eval_every, settings.steps - first)
        steps.train(first, count)
        errors = evaluate(*extrapolation_set)
        for copy, error in enumerate(errors):
            if solved_at[copy] is None and error < thresholds[copy]:
                solved_at[copy] = first + count
        progress.update(count)
    progress.close()
    seconds = time.perf_counter() - started
    steps.finish()
    interpolation_mse = evaluate(*interpolation_set)
    extrapolation_mse = evaluate(*extrapolation_set)
    sparsity = sparsity_errors(model, len(seeds))
    results = []
    for copy, seed in enumerate(seeds):
        extrapolation_error = float(extrapolation_mse[copy])
        finite = np.isfinite(extrapolation_error)
        results.append({
            "seed": seed,
            "interpolation_mse": float(interpolation_mse[copy]),
            "extrapolation_mse": extrapolation_error,
            "normalized_error": float(
                100 * np.sqrt(extrapolation_error / initial_extrapolation[copy])
            ) if finite else None,
            "threshold_mse": float(thresholds[copy]),
            "success": bool(finite and extrapolation_error < thresholds[copy]),
            "solved_at": solved_at[copy],
            "sparsity_error": sparsity[copy],
            "train_seconds": seconds,
        })
    return results


def random_start_mse(data, settings, model_name, inits, samples=1000):
    """Median interpolation and extrapolation MSE of `inits` freshly initialised models
    (seeds 1,000,000 + k, copy k on the data of task seed k): where training starts, and
    the random baseline of the NALU paper's normalised error."""
    settings = dataclasses.replace(settings, pool_size=1, eval_samples=samples)
    seed_data = SeedData(data, settings, range(inits))
    keras.utils.set_random_seed(1_000_000)
    model = ArithmeticModel(model_name, data.form, [1_000_000 + k for k in range(inits)],
                            unit_options(settings),
                            identity_recurrence=settings.identity_recurrence,
                            depth=settings.depth)
    medians = []
    for inputs, targets in (seed_data.interpolation, seed_data.extrapolation):
        predictions = keras.ops.convert_to_numpy(model(inputs)).astype("float64")
        errors = np.mean((predictions - keras.ops.convert_to_numpy(targets)) ** 2, axis=(1, 2))
        medians.append(float(np.median(np.where(np.isfinite(errors), errors, np.inf))))
    return medians


def sparsity_errors(model, copies):
    """Per copy: max over the unit weights of min(|w|, |1 - |w||) (None for baselines)."""
    matrices = model.weight_matrices()
    if not matrices:
        return [None] * copies
    worst = np.zeros(copies)
    for matrix in matrices:
        magnitude = np.abs(keras.ops.convert_to_numpy(matrix)).reshape(copies, -1)
        worst = np.maximum(worst, np.minimum(magnitude, np.abs(1 - magnitude)).max(axis=1))
    return [float(value) for value in worst]
