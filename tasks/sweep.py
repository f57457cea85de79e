"""Many seeds per (model, op): success rate with a Wilson interval, solved-at, sparsity."""

import dataclasses
import math
import time

import numpy as np

from data.arithmetic import OPERATIONS, ArithmeticData
from errors import UsageError
from tasks.arith_models import check_model, describe
from tasks.arithmetic_training import default_settings, train_copies
from tasks.config import check_value, setting
from tasks.progress import say
from tasks.registry import get_task
from tasks.runs import new_run_folder, write_json


def wilson_interval(successes, trials, z=1.959963984540054):
    """The 95% Wilson score interval (low, high) of a success rate."""
    if trials <= 0:
        raise ValueError(f"`trials` must be positive, received: trials={trials!r}")
    rate = successes / trials
    denominator = 1 + z * z / trials
    center = (rate + z * z / (2 * trials)) / denominator
    half = z / denominator * math.sqrt(rate * (1 - rate) / trials + z * z / (4 * trials**2))
    return max(0.0, center - half), min(1.0, center + half)


@dataclasses.dataclass
class SweepConfig:
    """A sweep: every model of `units` on every op of `ops`, each over `seeds` seeds. The
    fields are sweep.py's flags (`tasks.config.add_flags`)."""

    task: str = setting("arith_static", "arith_static or arith_running")
    ops: tuple = setting(("add",), f"comma-separated from {', '.join(OPERATIONS)}, or all",
                         "names", flag="op")
    units: tuple = setting(("nac",), "comma-separated models, e.g. nac,nalu,nau-nmu", "names")
    seeds: int = setting(10, "number of seeds", "int", 1)
    first_seed: int = setting(0, "the first seed", "int", 0)
    steps: int | None = setting(None, "training steps per seed (default: the recipe's)",
                                "int", 1)
    lr: float | None = setting(None, "initial Adam learning rate", "float", 0)
    batch_size: int | None = setting(None, "samples per step", "int", 1)
    interpolation: tuple = setting((1.0, 2.0), "training range low,high", "range")
    extrapolation: tuple = setting((2.0, 6.0), "test range low,high", "range")
    subset_ratio: float = setting(0.25, "share of the inputs summed into a (and b)", "float")
    overlap_ratio: float = setting(0.5, "share of a's inputs also in b", "float")
    random_recurrence: bool = setting(
        False, "running form: start unit cells random, not at the identity", "switch")
    out: str = setting("sweeps", "folder that receives the sweep folder")
    name: str | None = setting(None, "sweep folder name")
    quiet: bool = setting(False, "no progress bars", "switch")
    backend: str = setting("auto", "Keras backend: auto (jax if installed, else tensorflow), "
                           "jax, tensorflow or torch")

    def __post_init__(self):
        if tuple(self.ops) == ("all",):
            self.ops = tuple(OPERATIONS)

    def validate(self):
        task = get_task(self.task)
        if not hasattr(task, "form"):
            raise UsageError(f"--task {self.task}: sweeps run the arithmetic tasks only")
        for field in dataclasses.fields(self):
            if getattr(self, field.name) is not None and field.metadata["kind"] in ("int",
                                                                                    "float"):
                check_value(field, getattr(self, field.name))
        for op in self.ops:
            if op not in OPERATIONS:
                raise UsageError(f"--op {op}: unknown; choose from {', '.join(OPERATIONS)}")
        for unit in self.units:
            check_model(unit, task.form)
        for op in self.ops:  # validates ranges and ratios
            self.data(op)
        return task

    def data(self, op):
        task = get_task(self.task)
        return ArithmeticData(
            op=op, form=task.form, input_size=task.input_size, subset_ratio=self.subset_ratio,
            overlap_ratio=self.overlap_ratio, interpolation=tuple(self.interpolation),
            extrapolation=tuple(self.extrapolation),
        )

    def settings(self, unit):
        """The unit's recipe (`default_settings`) with this sweep's overrides."""
        overrides = {"steps": self.steps, "learning_rate": self.lr,
                     "batch_size": self.batch_size,
                     "identity_recurrence": not self.random_recurrence}
        return dataclasses.replace(
            default_settings(get_task(self.task).form, unit),
            **{key: value for key, value in overrides.items() if value is not None},
        )


def summarize(unit, op, results):
    successes = sum(result["success"] for result in results)
    low, high = wilson_interval(successes, len(results))
    solved = [result["solved_at"] for result in results if result["success"]]
    sparsity = [result["sparsity_error"] for result in results
                if result["sparsity_error"] is not None and result["success"]]
    extrapolation = [result["extrapolation_mse"] for result in results]
    return {
        "unit": describe(unit),
        "op": op,
        "seeds": len(results),
        "successes": successes,
        "success_rate": successes / len(results),
        "wilson_low": low,
        "wilson_high": high,
        "median_solved_at": float(np.median(solved)) if solved else None,
        "mean_sparsity_error": float(np.mean(sparsity)) if sparsity else None,
        "median_extrapolation_mse": float(np.nanmedian(extrapolation))
        if np.any(np.isfinite(extrapolation)) else None,
        "seconds": results[0]["train_seconds"],
    }


def markdown_table(rows):
    lines = [
        "| unit | op | success | 95% interval | median solved at | mean sparsity error "
        "| median extrapolation MSE | seeds | seconds |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|",
    ]

    def number(value, digits=3):
        return "-" if value is None else f"{value:.{digits}g}"

    for row in rows:
        lines.append(
            f"| {row['unit']} | {row['op']} | {100 * row['success_rate']:.0f}% "
            f"| [{100 * row['wilson_low']:.0f}%, {100 * row['wilson_high']:.0f}%] "
            f"| {number(row['median_solved_at'], 6)} | {number(row['mean_sparsity_error'])} "
            f"| {number(row['median_extrapolation_mse'])} | {row['seeds']} "
            f"| {row['seconds']:.0f} |"
        )
    return "\n".join(lines)


def run_sweep(config):
    """Run every (unit, op) over the seeds; write results.json and table.md; return rows."""
    config.validate()
    seeds = list(range(config.first_seed, config.first_seed + config.seeds))
    name = config.name or f"{config.task}-{'_'.join(config.units)}-{'_'.join(config.ops)}"
    if config.random_recurrence:
        name += "-random_recurrence"
    import keras

    folder = new_run_folder(config.out, name)
    write_json(folder / "config.json", {**dataclasses.asdict(config),
                                        "backend": keras.backend.backend(),
                                        "settings": {describe(unit): dataclasses.asdict(
                                            config.settings(unit)) for unit in config.units}})
    rows, per_seed = [], {}
    started = time.perf_counter()
    for unit in config.units:
        for op in config.ops:
            results = train_copies(config.data(op), config.settings(unit), unit, seeds,
                                   quiet=config.quiet)
            rows.append(summarize(unit, op, results))
            per_seed[f"{describe(unit)}/{op}"] = results
            write_json(folder / "results.json", {"rows": rows, "per_seed": per_seed})
    total = time.perf_counter() - started
    write_json(folder / "results.json", {"rows": rows, "per_seed": per_seed,
                                         "total_seconds": total,
                                         "backend": keras.backend.backend()})
    (folder / "table.md").write_text(markdown_table(rows) + "\n")
    say(markdown_table(rows), False)
    say(f"total: {total:.0f} s; results: {folder / 'results.json'}, table: {folder / 'table.md'}",
        False)
    return folder, rows
