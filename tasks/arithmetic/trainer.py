"""The batched trainer of the arithmetic tasks and its success criterion.

All seeds of one configuration train together as one computation (see `models`).
A seed SUCCEEDS when its extrapolation MSE is below the MSE of the exact solution with every
weight perturbed by `epsilon` (Madsen & Johansen 2020), or below `success_mse` where a
protocol fixes one; with `score_best_interpolation` the MSE is the one at the evaluation of
lowest interpolation MSE (Mistry et al.), else the last. Its "solved at" step is the first
evaluation at which the extrapolation MSE is below the threshold; its sparsity error is
`max_w min(|w|, |1 - |w||)`.
"""

import dataclasses
import time

import keras
import numpy as np

import nalu
from tasks.arithmetic.models import ArithmeticModel, describe
from tasks.arithmetic.settings import make_optimizer, unit_options
from tasks.arithmetic.steppers import stepper
from tasks.progress import bar


class SeedData:
    """Every seed's fixed subsets, training pool, and evaluation sets, stacked over seeds.

    `data` is one `ArithmeticData` for every copy, or a list of one per copy (the same op,
    form and inputs; ranges may differ). Copy k's data depends on its seed and data alone.
    `thresholds[k]` is `settings.success_mse`, else the extrapolation MSE of the exact
    solution with every weight perturbed by `settings.epsilon` (worst sign pattern).
    """

    def __init__(self, data, settings, seeds):
        datas = list(data) if isinstance(data, (list, tuple)) else [data] * len(seeds)
        if len(datas) != len(seeds):
            raise ValueError(f"one data per seed: {len(datas)} data for {len(seeds)} seeds")
        data = datas[0]
        running = data.form == "running"
        train_length = settings.train_length if running else None
        eval_length = settings.eval_length if running else None
        samples = max(settings.eval_samples // 10, 10) if running else settings.eval_samples
        masks = [data.masks(seed) for seed in seeds]
        rngs = [np.random.default_rng([seed, 0xDA7A]) for seed in seeds]
        pool = [each.draw(rng, settings.pool_size, each.interpolation, train_length)
                for each, rng in zip(datas, rngs, strict=True)]
        interpolation = [each.draw(rng, samples, each.interpolation, train_length)
                         for each, rng in zip(datas, rngs, strict=True)]
        extrapolation = [
            each.draw(rng, samples, each.interpolation if running else each.extrapolation,
                      eval_length) for each, rng in zip(datas, rngs, strict=True)]
        if settings.success_mse is not None:
            self.thresholds = np.full(len(seeds), settings.success_mse)
        else:
            self.thresholds = np.array([
                each.threshold(inputs, mask, settings.epsilon)
                for each, inputs, mask in zip(datas, extrapolation, masks, strict=True)
            ])

        def stacked(inputs_list, targets=data.targets):
            inputs = np.stack(inputs_list)
            targets = np.stack([targets(x, mask)
                                for x, mask in zip(inputs_list, masks, strict=True)])
            return keras.ops.convert_to_tensor(inputs), keras.ops.convert_to_tensor(targets)

        prefix = running and settings.prefix_loss
        self.pool = stacked(pool, data.prefix_targets if prefix else data.targets)
        self.interpolation = stacked(interpolation)
        self.extrapolation = stacked(extrapolation)


def train_copies(data, settings, model_name, seeds, quiet=True):
    """Train one model per seed, all at once, on the backend Keras runs on
    (`tasks.arithmetic.steppers`); return a list of per-seed result dicts."""
    return train_model(data, settings, model_name, seeds, quiet)[1]


def train_model(data, settings, model_name, seeds, quiet=True):
    """`train_copies`, returning (the trained `ArithmeticModel` of every seed, the results)."""
    seeds = [int(seed) for seed in seeds]
    seed_data = SeedData(data, settings, seeds)
    thresholds = seed_data.thresholds
    interpolation_set, extrapolation_set = seed_data.interpolation, seed_data.extrapolation

    keras.utils.set_random_seed(seeds[0])
    form = (data[0] if isinstance(data, (list, tuple)) else data).form
    model = ArithmeticModel(model_name, form, seeds, unit_options(settings),
                            identity_recurrence=settings.identity_recurrence,
                            depth=settings.depth, prefix_loss=settings.prefix_loss)
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
    # with score_best_interpolation: per copy, the lowest interpolation MSE so far and the
    # extrapolation MSE at that evaluation
    best_interpolation = np.full(len(seeds), np.inf)
    at_best = np.full(len(seeds), np.nan)
    op = (data[0] if isinstance(data, (list, tuple)) else data).op
    progress = bar(settings.steps, f"{describe(model_name)} {op}", quiet, unit="step")
    started = time.perf_counter()
    for first in range(0, settings.steps, settings.eval_every):
        count = min(settings.eval_every, settings.steps - first)
        steps.train(first, count)
        errors = evaluate(*extrapolation_set)
        for copy, error in enumerate(errors):
            if solved_at[copy] is None and error < thresholds[copy]:
                solved_at[copy] = first + count
        if settings.score_best_interpolation:
            fitted = evaluate(*interpolation_set)
            better = np.isfinite(fitted) & (fitted < best_interpolation)
            best_interpolation = np.where(better, fitted, best_interpolation)
            at_best = np.where(better, errors, at_best)
        progress.update(count)
    progress.close()
    seconds = time.perf_counter() - started
    steps.finish()
    interpolation_mse = evaluate(*interpolation_set)
    extrapolation_mse = evaluate(*extrapolation_set)
    if settings.score_best_interpolation:
        interpolation_mse, extrapolation_mse = best_interpolation, at_best
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
    return model, results


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
